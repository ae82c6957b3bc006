"""`GET /healthz`: database, broker and workers, without login, and never hanging on a dead broker."""

import socket
import time

import celery
import pytest
from celery import Celery
from celery.contrib.testing.app import setup_default_app
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import OperationalError, connections

from petition_desk import health

pytest_plugins = ("celery.contrib.pytest",)

# `make run`'s broker (settings/base.py without REDIS_URL).
MAKE_RUN_TRANSPORT = "petition_desk.filesystem_broker:Transport"


def _closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def celery_config():
    # The test worker listens on the same Redis database as the project's app, so the project's
    # broadcast ping (the one /healthz sends) reaches it.
    return {"broker_url": settings.REDIS_URL, "result_backend": None, "task_ignore_result": True}


@pytest.fixture(scope="session")
def celery_worker_parameters():
    # The fixture's own start-up check runs a task and waits for its result; with no result
    # backend that cannot work, and /healthz's ping is the check that matters here.
    return {"perform_ping_check": False}


@pytest.mark.django_db
def test_healthz_needs_no_login_and_never_caches(client):
    response = client.get("/healthz")

    assert response.status_code == 200  # not the redirect to the login page every other page gets
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["database"]["vendor"] == connections["default"].vendor
    assert set(body) == {"status", "database", "broker", "workers"}


@pytest.mark.django_db
def test_healthz_only_answers_get_and_head(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.redis
@pytest.mark.django_db
def test_database_and_broker_up_on_real_redis(client):
    body = client.get("/healthz").json()

    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": True, "transport": "redis", "ms": body["broker"]["ms"]}
    # No worker runs in this test: the page says so instead of pretending.
    assert body["workers"]["count"] == 0
    assert body["status"] == "degraded"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_running_worker_is_counted(client, celery_worker):
    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 200
    assert body["workers"]["ok"] is True
    assert body["workers"]["count"] >= 1
    assert body["status"] == "ok"


@pytest.mark.django_db
def test_broker_on_a_closed_port_is_down_quickly_and_page_is_degraded(client, monkeypatch):
    dead = Celery("dead-broker", broker=f"redis://127.0.0.1:{_closed_port()}/0", set_as_current=False)
    monkeypatch.setattr(health, "celery_app", dead)

    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False
    assert body["broker"]["transport"] == "redis"
    assert body["workers"] == {"ok": False, "count": 0, "error": "broker unreachable"}
    assert elapsed < 3, f"/healthz took {elapsed:.1f}s with the broker down"
    assert "127.0.0.1" not in response.content.decode()  # the public page names no hosts


def test_database_down_is_503(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    monkeypatch.setattr(health, "check_broker_and_workers", lambda: ({"ok": True}, {"ok": True, "count": 1}))

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["database"] == {
        "ok": False,
        "vendor": connections["default"].vendor,
        "error": "OperationalError",
    }


def _filesystem_app(folder) -> Celery:
    for name in ("queue", "processed", "control"):
        (folder / name).mkdir()
    app = Celery("fs-health", set_as_current=False)
    app.conf.update(
        broker_url="filesystem://",
        broker_transport=MAKE_RUN_TRANSPORT,
        broker_transport_options={
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
            "polling_interval": 0.1,  # the worker looks at its folder ten times a second
        },
        task_ignore_result=True,
    )
    return app


def test_filesystem_broker_worker_answers_ping(tmp_path):
    """`make run` uses kombu's filesystem transport: the broadcast ping works there too."""
    app = _filesystem_app(tmp_path)
    current = celery.current_app._get_current_object()

    broker, workers = health.check_broker_and_workers(app)
    assert broker["ok"] is True and broker["transport"] == "filesystem"
    assert workers["count"] == 0

    # setup_default_app puts back the current and default app start_worker replaces.
    with (
        setup_default_app(app),
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        # A ping expires after the check's timeout; on a loaded machine the worker thread may
        # first see its folder later than that (CI failed so once). A worker that answers any of
        # three pings shows the transport carries broadcasts; one that never does still fails.
        for _ in range(3):
            broker, workers = health.check_broker_and_workers(app)
            if workers["count"]:
                break

    assert broker["ok"] is True
    assert workers["ok"] is True and workers["count"] == 1
    # Later tests' shared tasks still go to the app they went to before.
    assert celery.current_app._get_current_object() is current


def test_filesystem_broker_without_its_folders_is_down(tmp_path):
    app = Celery("fs-missing", set_as_current=False)
    app.conf.update(
        broker_url="filesystem://",
        broker_transport=MAKE_RUN_TRANSPORT,
        broker_transport_options={
            "data_folder_in": str(tmp_path / "nowhere"),
            "data_folder_out": str(tmp_path / "nowhere"),
        },
    )

    broker, workers = health.check_broker_and_workers(app)

    assert broker == {"ok": False, "transport": "filesystem", "error": "data_folder_in missing"}
    assert workers["count"] == 0
