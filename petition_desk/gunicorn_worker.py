"""gunicorn's threaded worker, taking a new connection only while one of its threads is free.

gunicorn's own gthread worker accepts whatever connection reaches it, busy or not (gunicorn issues
2191 and 3433): with one thread a worker, a request on a new connection could wait behind a slow
one (a ledger being exported, a scanned letter downloaded over a slow line) while another worker
sat idle. This one stops listening while all its threads are taken, so a new connection goes to
a worker that can answer it now. Connections it already keeps open are still served by it: their
requests wait for its thread, as before, and a proxy's pool of kept-open connections (README,
Deploying) spreads them no better than gunicorn's own worker did.
"""

from gunicorn.workers.gthread import ThreadWorker


class FreeThreadWorker(ThreadWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Requests handed to the thread pool and not yet finished. Only the main loop's thread
        # touches it: gunicorn hands requests over and finishes them there.
        self.requests_in_hand = 0

    def has_free_thread(self) -> bool:
        return self.requests_in_hand < self.cfg.threads

    def set_accept_enabled(self, enabled):
        # The main loop asks again on every turn, so listening resumes as soon as a thread is free.
        super().set_accept_enabled(enabled and self.has_free_thread())

    def accept(self, listener):
        # One poll can report several listening sockets (several --bind): the first may have
        # taken the last free thread.
        if self.has_free_thread():
            super().accept(listener)

    def enqueue_req(self, conn):
        self.requests_in_hand += 1
        if not self.has_free_thread():
            super().set_accept_enabled(False)
        super().enqueue_req(conn)

    def finish_request(self, conn, fs):
        self.requests_in_hand -= 1
        super().finish_request(conn, fs)
