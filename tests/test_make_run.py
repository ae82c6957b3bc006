"""`make run` end to end (DESIGN §6): it migrates, loads the demo, serves the login page and
/healthz with both workers live (cases and letters), and one Ctrl-C stops web, the workers and beat.

It runs on SQLite and the filesystem broker in a temporary folder, on a free port, so it neither
touches the developer's db.sqlite3 nor needs PostgreSQL or Redis.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 120  # seconds; the first run may still install the requirements


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _descendants(pid: int) -> dict[int, str]:
    """Every process below `pid` (honcho puts each of its processes in a session of its own,
    so the process group alone would miss them), with its start time to recognise it later."""
    children: dict[int, list[int]] = {}
    start: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        start[int(entry.name)] = fields[19]
    found, todo = {}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found[child] = start[child]
            todo.append(child)
    return found


def _alive(pid: int, started: str) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[19] == started and fields[0] != "Z"


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to follow the processes")
def test_make_run_serves_the_demo_and_ctrl_c_stops_everything(tmp_path):
    port = _free_port()
    # A clean environment: not the test settings' DATABASE_URL, REDIS_URL or keys, nor the
    # MAKEFLAGS of a `make test` around this test.
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env.update(
        PORT=str(port),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CELERY_DATA_DIR=str(tmp_path / "celery"),
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    log = (tmp_path / "make-run.log").open("w+")
    # A session of its own, with SIGINT at its default: what a terminal gives `make run`.
    process = subprocess.Popen(
        ["make", "run"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )

    def output() -> str:
        log.flush()
        return (tmp_path / "make-run.log").read_text()

    try:
        health = None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/healthz")
            except OSError:
                time.sleep(0.5)
                continue
            health = json.loads(body)
            if status == 200 and health["workers"]["count"] >= 2:
                break
            time.sleep(0.5)
        assert process.poll() is None, "make run stopped:\n" + output()
        assert health and health["status"] == "ok", f"{health}\n{output()}"
        assert health["workers"]["count"] == 2, f"{health}\n{output()}"
        assert health["database"]["vendor"] == "sqlite"
        assert health["broker"]["transport"] == "filesystem"

        status, body = _get(f"http://127.0.0.1:{port}/login/")
        assert status == 200
        text = output()
        assert f"http://127.0.0.1:{port}/" in text  # the address is printed
        assert "demo12345!" in text  # and so is the demo users' password
        processes = _descendants(process.pid)
        assert len(processes) >= 4
    finally:
        if process.poll() is None:
            processes = _descendants(process.pid)
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                pytest.fail("make run did not stop within 20 s of Ctrl-C:\n" + output())
        log.close()

    time.sleep(0.5)
    survivors = [pid for pid, started in processes.items() if _alive(pid, started)]
    assert not survivors, f"still running after Ctrl-C: {survivors}\n{output()}"
