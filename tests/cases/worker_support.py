"""Real processes for the forwarding tests: a Celery worker started as `celery -A petition_desk
worker` would be in production, a Redis server of our own to stop and start, and a look at
PostgreSQL's lock table to know when a worker is blocked inside `case_forward`."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import quote

import redis
from django.conf import settings
from django.db import connection

# Generous for a two-core machine where a worker needs a few seconds to import Django.
DEADLINE = 30.0


def wait_until(
    condition: Callable[[], object], *, what: str | Callable[[], str], timeout: float = DEADLINE
) -> object:
    """Poll `condition` until it returns something true; fail the test with `what` (or what it
    returns then, such as a worker's log) after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what() if callable(what) else what}")
        time.sleep(0.1)


def project_celery_settings() -> dict:
    """The project's Celery settings, read as petition_desk.celery reads them (acks_late, the
    publish retry policy, the broker, the routes), so a test worker behaves as the real one."""
    return {
        name.removeprefix("CELERY_").lower(): getattr(settings, name)
        for name in dir(settings)
        if name.startswith("CELERY_") and name != "CELERY_DATA_DIR"
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url_for_workers() -> str:
    """The database the test runs on (pytest-django's `test_…` copy), as a DATABASE_URL."""
    db = settings.DATABASES["default"]
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


# The keys kombu's Redis transport keeps for the queues and their unacknowledged messages.
QUEUE_KEYS = ("celery", "documents", "notifications", "unacked", "unacked_index", "unacked_mutex")


def broker_queue(url: str) -> dict[str, int]:
    """How many messages wait in the default queue, and how many a worker took but never acked."""
    with redis.Redis.from_url(url) as client:
        return {"waiting": client.llen("celery"), "unacked": client.hlen("unacked")}


def oldest_unacked_age(url: str) -> float:
    """Seconds since a worker took the oldest message it has not acknowledged (0 when none)."""
    with redis.Redis.from_url(url) as client:
        oldest = client.zrange("unacked_index", 0, 0, withscores=True)
    return time.time() - oldest[0][1] if oldest else 0.0


def broker_purge(url: str) -> None:
    """Forget messages a previous test left behind, delivered or not."""
    with redis.Redis.from_url(url) as client:
        client.delete(*QUEUE_KEYS)


# Inside a transaction PostgreSQL keeps showing the pg_stat_activity it read first; the tests
# poll it while holding a row lock.
FRESH_ACTIVITY = "SELECT pg_stat_clear_snapshot()"


def lock_waiters(table: str) -> list[int]:
    """The backends of this database blocked while selecting rows of `table` (the row lock
    of a SELECT … FOR UPDATE): their pids. PostgreSQL cuts the query text at 1 kB, so only its
    beginning is compared."""
    with connection.cursor() as cursor:
        cursor.execute(FRESH_ACTIVITY)
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE %s ORDER BY pid",
            [f'SELECT "{table}".%'],
        )
        return [pid for (pid,) in cursor.fetchall()]


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(FRESH_ACTIVITY)
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


class WorkerProcess:
    """`celery -A petition_desk worker --pool=solo` on the test database and the test broker."""

    def __init__(self, *, broker_url: str, env: dict[str, str] | None = None):
        log, self.log_path = tempfile.mkstemp(prefix="petition-desk-worker-", suffix=".log")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "petition_desk",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                "celery",
                "-n",
                f"test-{uuid.uuid4().hex[:8]}@%h",
                "--loglevel=INFO",
                # Nothing to synchronise with: one worker, and a faster start on a small machine.
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
            ],
            cwd=settings.BASE_DIR,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "petition_desk.settings.test",
                "DATABASE_URL": database_url_for_workers(),
                "REDIS_URL": broker_url,
                **(env or {}),
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        os.close(log)  # the worker holds its own copy

    def kill(self) -> None:
        """SIGKILL: the worker dies without acknowledging, rejecting or rolling back anything."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=DEADLINE)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # warm shutdown
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        os.unlink(self.log_path)

    def output(self) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return log.read()


class RedisServer:
    """A Redis of our own, to take down and bring back without touching the shared one."""

    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self._questions = 0

    def url(self, db: int = 13) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self._questions = 0
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def answers() -> bool:
            try:
                with redis.Redis(port=self.port, socket_connect_timeout=1) as client:
                    return client.ping()
            except redis.exceptions.ConnectionError:
                return False

        wait_until(answers, what=f"redis-server on port {self.port} answers", timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    @contextmanager
    def frozen(self) -> Iterator[None]:
        """Redis stopped (SIGSTOP) with its socket open, as when it hangs or its machine swaps:
        the kernel still accepts connections, and nothing answers them. Thawed on the way out,
        whatever the test did inside."""
        os.kill(self.process.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(self.process.pid, signal.SIGCONT)

    def connections_received(self) -> int:
        """How many connections this Redis has accepted since it started, not counting those
        these questions came on. Asked on a new connection each time: the kernel hands a thawed
        Redis its waiting connections in the order they came, so every connection made while it
        was frozen is counted before this one is answered."""
        self._questions += 1
        with redis.Redis(port=self.port, socket_timeout=10) as client:
            return client.info("stats")["total_connections_received"] - self._questions
