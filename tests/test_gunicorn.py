"""gunicorn.conf.py: read by gunicorn wherever it starts in the project's directory (the image's
WORKDIR, the benchmarks), and each worker freezes what Django loaded."""

import contextlib
import gc
import http.client
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from tests.cases.worker_support import free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent


def test_gunicorn_started_in_the_project_reads_its_settings():
    gunicorn = Path(sys.executable).parent / "gunicorn"

    printed = subprocess.run(
        [gunicorn, "--print-config", "petition_desk.wsgi:application"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    config = {
        name.strip(): value.strip()
        for name, value in (line.split(" = ", 1) for line in printed.splitlines() if " = " in line)
    }
    assert config["config"] == "./gunicorn.conf.py"


def _load_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    settings = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(settings)
    return settings


def test_the_web_bounds_its_statements_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("DB_STATEMENT_TIMEOUT", raising=False)
    _load_conf()
    assert os.environ["DB_STATEMENT_TIMEOUT"] == "30"

    monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "120")
    _load_conf()
    assert os.environ["DB_STATEMENT_TIMEOUT"] == "120"


def test_a_worker_that_has_loaded_the_site_freezes_it_out_of_the_collectors_reach():
    settings = _load_conf()
    gc.unfreeze()
    try:
        settings.post_worker_init(worker=None)

        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


@contextlib.contextmanager
def the_site_served(tmp_path, *options: str):
    """gunicorn serving the site as `make run` configures it (SQLite), with its own options:
    yields a connection to it once it accepts one."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "petition_desk.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    server = subprocess.Popen(
        [Path(sys.executable).parent / "gunicorn", "petition_desk.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", *options],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

        def connected() -> bool:
            try:
                connection.connect()
            except ConnectionRefusedError:
                return False
            return True

        wait_until(connected, what="gunicorn did not start")
        yield connection
        connection.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_site_keeps_a_clients_connection_open_between_requests(tmp_path):
    """Each look-up at the window is a request: they reuse one connection (gunicorn.conf.py)."""
    with the_site_served(tmp_path) as connection:
        first_socket = connection.sock

        answers = []
        for _ in range(2):
            connection.request("GET", "/login/")
            response = connection.getresponse()
            response.read()
            answers.append((response.status, response.getheader("Connection")))

        assert answers == [(200, "keep-alive")] * 2
        assert connection.sock is first_socket  # http.client did not have to reconnect


def test_the_access_log_keeps_no_id_number_or_phone_from_a_look_up(tmp_path):
    """The desk looks a person up at every keystroke with her ID number and phone in the query
    string, and the search page's address carries its words: the log has the path alone."""
    log = tmp_path / "access.log"
    with the_site_served(tmp_path, "--access-logfile", str(log)) as connection:
        connection.request(
            "GET",
            "/desk/lookup/?people-0-id_number=11010519491231002X&people-0-mobile=13962598765",
            headers={"Referer": "http://127.0.0.1/cases/search/?q=11010519491231002X"},
        )
        connection.getresponse().read()
        wait_until(lambda: log.exists() and log.read_text(), what="nothing was logged")

    line = log.read_text()
    assert '"GET /desk/lookup/ HTTP/1.1" 302' in line, line
    assert "11010519491231002X" not in line and "13962598765" not in line, line


HELD_APP = """
import os
import time
from pathlib import Path

STARTED = Path(os.environ["HELD_APP_DIR"]) / "started"
RELEASED = Path(os.environ["HELD_APP_DIR"]) / "released"


def app(environ, start_response):
    if environ["PATH_INFO"] == "/held":
        STARTED.write_text(str(os.getpid()))
        deadline = time.monotonic() + 60
        while not RELEASED.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Length", str(len(body)))])
    return [body]
"""


def test_a_worker_busy_with_a_request_leaves_new_connections_to_an_idle_one(tmp_path):
    """A slow request (a ledger being exported) must not hold up a receptionist whose browser
    opens a connection meanwhile: gunicorn's own threaded worker took it and made it wait behind
    the slow one (gunicorn issue 3433)."""
    (tmp_path / "held_app.py").write_text(HELD_APP)
    port = free_port()
    server = subprocess.Popen(
        [
            Path(sys.executable).parent / "gunicorn",
            "held_app:app",
            "--pythonpath",
            str(tmp_path),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        cwd=ROOT,  # reads gunicorn.conf.py, as deployed
        env={**os.environ, "HELD_APP_DIR": str(tmp_path)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def get(connection, path):
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()

    def started() -> bool:
        try:
            return get(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/")[0] == 200
        except ConnectionRefusedError:
            return False

    try:
        wait_until(started, what="gunicorn did not start")
        # given one worker busy with a request that does not end until the test says so
        held = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        held.request("GET", "/held")
        busy_pid = wait_until(
            lambda: (tmp_path / "started").exists() and (tmp_path / "started").read_text(),
            what="the held request never started",
        )

        # when new connections come, each is answered at once, by the other worker
        answers = []
        for _ in range(10):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            answers.append(get(connection, "/"))
            connection.close()
        assert {status for status, _pid in answers} == {200}
        assert busy_pid not in {pid for _status, pid in answers}

        # and the held request is answered once it is let go
        (tmp_path / "released").touch()
        response = held.getresponse()
        assert (response.status, response.read().decode()) == (200, busy_pid)
    finally:
        (tmp_path / "released").touch()
        server.terminate()
        server.wait(timeout=30)
