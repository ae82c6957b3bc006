"""`make run`'s embedded broker is a folder: the sender writes each message as a file, the
worker takes the files, and a file per exchange lists the queues a broadcast goes to. A worker
must never take a message that is still being written (it would die on it, and the message would
be lost), and workers starting together must all end up in the list."""

import multiprocessing
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

from kombu import Connection, Exchange, Queue

ROOT = Path(__file__).resolve().parent.parent
TRANSPORT = "petition_desk.filesystem_broker:Transport"  # make run's (settings/base.py)
MESSAGES = 20
WORKERS = 8
BROADCAST = Exchange("broadcast", type="fanout")

SEND = f"""
from tests.filesystem_broker_app import record
# A long message widens the moment between the file's creation and its last byte.
for number in range({MESSAGES}):
    record.delay(number, "x" * 2_000_000)
"""


def _wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_a_worker_takes_every_message_whole_while_they_are_sent(tmp_path):
    # given make run's settings: no Redis, the broker in a folder of its own
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    celery_dir, record_dir = tmp_path / "celery", tmp_path / "records"
    for folder in ("queue", "processed", "control"):
        (celery_dir / folder).mkdir(parents=True)
    record_dir.mkdir()
    env |= {
        "DJANGO_SETTINGS_MODULE": "petition_desk.settings.local",
        "CELERY_DATA_DIR": str(celery_dir),
        "RECORD_DIR": str(record_dir),
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.filesystem_broker_app",
                "worker",
                "--pool=solo",
                "--loglevel=info",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        assert _wait_for(lambda: "ready." in log_path.read_text() or worker.poll() is not None, 60)
        assert worker.poll() is None, log_path.read_text()

        # when messages are sent while the worker watches the folder
        subprocess.run([sys.executable, "-c", SEND], cwd=ROOT, env=env, check=True, timeout=120)

        # then it runs every one of them and is still there for the next
        _wait_for(lambda: len(list(record_dir.iterdir())) == MESSAGES or worker.poll() is not None, 60)
        assert worker.poll() is None, log_path.read_text()
        assert sorted(int(path.name) for path in record_dir.iterdir()) == list(range(MESSAGES))
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def _connection(folder: Path) -> Connection:
    return Connection(
        "filesystem://",
        transport=TRANSPORT,
        transport_options={
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "control_folder": str(folder / "control"),
        },
    )


def _listen(folder: Path, number: int, start) -> None:
    """A worker's start, as far as broadcasts go: its queue is bound to the broadcast exchange."""
    with _connection(folder) as connection:
        channel = connection.channel()
        start.wait()
        Queue(f"worker-{number}", BROADCAST, channel=channel).declare()


def test_workers_starting_together_all_hear_a_broadcast(tmp_path):
    """`make run` starts two workers at once; each binds its queue to the broadcast exchange."""
    processes = multiprocessing.get_context("fork")
    # Each round is a fresh broker: the table of the exchange's queues is created as they start.
    for round_ in range(15):
        folder = tmp_path / str(round_)
        (folder / "queue").mkdir(parents=True)
        (folder / "control").mkdir()
        start = processes.Barrier(WORKERS)
        workers = [processes.Process(target=_listen, args=(folder, n, start)) for n in range(WORKERS)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=30)
        assert [worker.exitcode for worker in workers] == [0] * WORKERS

        with _connection(folder) as connection:
            connection.Producer().publish({"ping": round_}, exchange=BROADCAST, declare=[BROADCAST])
        # Each worker's copy waits in the folder under its queue's name.
        heard = [len(list((folder / "queue").glob(f"*.worker-{n}.msg"))) for n in range(WORKERS)]
        assert heard == [1] * WORKERS, f"round {round_}"


def test_a_message_file_follows_the_umask_as_kombus_own_do(tmp_path):
    """A web server and a worker running as two users of one group share the broker's folder."""
    for folder in ("queue", "control"):
        (tmp_path / folder).mkdir()
    (tmp_path / "queue").chmod(0o2775)
    with _connection(tmp_path) as connection:
        connection.Producer().publish({"task": "record"}, routing_key="celery")

    (message,) = (tmp_path / "queue").glob("*.msg")
    assert stat.S_IMODE(message.stat().st_mode) == 0o666 & ~current_umask()


def current_umask() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return umask
