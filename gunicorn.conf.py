"""gunicorn's settings wherever the site is served with it (docker-compose.yml's web, the
benchmarks): gunicorn reads ./gunicorn.conf.py from the directory it starts in."""

import gc
import os

# Threaded workers keep a client's connection open between requests; sync workers close it after
# every answer, so each request went to whichever worker won the next accept, cold in the CPU's
# caches. Kept open, a receptionist's look-ups (one per keystroke) reach the same warm worker and
# its PostgreSQL session: the look-up's p50 fell from 3.7–4.2 to 2.3–3.2 ms (bench/README.md,
# session 7). The reverse proxy keeps its connections to gunicorn open too (README: Deploying).
# One thread per worker by default: on two cores, threads sharing a worker's interpreter lock
# registered fewer visits a second than as many workers with one thread each. gunicorn's own
# threaded worker takes new connections even while its thread is busy, so a request could wait
# behind another while a worker sat idle; ours listens only while it has a thread free.
worker_class = "petition_desk.gunicorn_worker.FreeThreadWorker"
keepalive = 5  # seconds an idle connection stays open; a reverse proxy must close its own sooner
# gunicorn's own format logs the request line and the referrer whole, query strings included: the
# desk's look-up carries ID numbers and phones there at every keystroke, and the search its words.
# The path alone, so that the access log does not undo their encryption at rest.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(M)sms'
# A sync worker stuck in a request was killed after `timeout`; a threaded worker's main loop keeps
# answering gunicorn's arbiter while its thread is stuck, and is not killed.
# So the web's database statements, where a request can hang (a lock held elsewhere), are bounded
# instead: set before the workers load Django, read by the settings (README: configuration).
os.environ.setdefault("DB_STATEMENT_TIMEOUT", "30")


def post_worker_init(worker):
    # What Django builds while loading the site lives as long as the worker. Moved out of the
    # collector's reach, it is no longer walked by every full collection, which otherwise lands in
    # the middle of a request: the repeat look-up's p95 fell from 5.6 to 4.1 ms (bench/README.md).
    gc.freeze()
