"""`GET /healthz`: is the database answering, is the broker reachable, are Celery workers alive?

Answers 200 while the database answers (``"status": "ok"`` when the broker and at least one
worker answer too, ``"degraded"`` otherwise) and 503 when it does not, so a load balancer or
Docker stops sending requests to a web process that cannot serve them, but a stopped worker does
not take the windows offline. Every check has a short timeout: a dead Redis must not hang the
probe. Nothing here names hosts, URLs or passwords: the page is public.
"""

import os
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from petition_desk.celery import app as celery_app

# Seconds. A worker that has not answered a ping within this long is not counted.
BROKER_TIMEOUT = getattr(settings, "HEALTHZ_BROKER_TIMEOUT", 1.0)
WORKER_TIMEOUT = getattr(settings, "HEALTHZ_WORKER_TIMEOUT", 1.0)


def _elapsed_ms(start: float) -> float:
    return round((time.monotonic() - start) * 1000, 1)


def check_database(alias: str = "default") -> dict[str, Any]:
    start = time.monotonic()
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        # Drop the broken connection so the next request reconnects instead of failing too.
        connection.close()
        return {"ok": False, "vendor": connection.vendor, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor, "ms": _elapsed_ms(start)}


def _filesystem_folders_problem(conn) -> str | None:
    """The filesystem transport "connects" to anything; what matters is that its folders exist."""
    options = conn.transport_options
    for key in ("data_folder_in", "data_folder_out"):
        folder = options.get(key)
        if not folder or not os.path.isdir(folder):
            return f"{key} missing"
        if not os.access(folder, os.R_OK | os.W_OK | os.X_OK):
            return f"{key} not writable"
    return None


def check_broker_and_workers(app=None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Connect to the broker once; if that works, ping the workers over the same connection."""
    app = app or celery_app
    start = time.monotonic()
    worker_timeout = WORKER_TIMEOUT
    # Redis reads these; its own defaults are "wait forever".
    options = {"socket_connect_timeout": BROKER_TIMEOUT, "socket_timeout": BROKER_TIMEOUT}
    if app.connection_for_read().transport.driver_type == "filesystem":
        # The filesystem transport polls its folder: look for the replies often. The worker
        # looks once per its polling interval (1 s by default), so it may see the ping that much
        # later: give it that long on top.
        options = {"polling_interval": 0.1}
        worker_timeout += float((app.conf.broker_transport_options or {}).get("polling_interval", 1.0))
    conn = app.connection_for_read(connect_timeout=BROKER_TIMEOUT, transport_options=options)
    # The name of the kind of broker, also for a transport of our own (`make run`'s).
    transport = conn.transport.driver_type
    try:
        try:
            conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT)
        except Exception as exc:  # kombu re-raises every transport's failure as its own errors
            return (
                {"ok": False, "transport": transport, "error": type(exc).__name__},
                {"ok": False, "count": 0, "error": "broker unreachable"},
            )
        if transport == "filesystem" and (problem := _filesystem_folders_problem(conn)):
            return (
                {"ok": False, "transport": transport, "error": problem},
                {"ok": False, "count": 0, "error": "broker unreachable"},
            )
        broker = {"ok": True, "transport": transport, "ms": _elapsed_ms(start)}

        start = time.monotonic()
        try:
            replies = app.control.ping(timeout=worker_timeout, connection=conn) or []
        except Exception as exc:
            return broker, {"ok": False, "count": 0, "error": type(exc).__name__}
        count = sum(len(reply) for reply in replies)
        return broker, {"ok": count > 0, "count": count, "ms": _elapsed_ms(start)}
    finally:
        conn.release()


@login_not_required
@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    database = check_database()
    broker, workers = check_broker_and_workers()
    if not database["ok"]:
        status, code = "down", 503
    elif broker["ok"] and workers["ok"]:
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    return JsonResponse(
        {"status": status, "database": database, "broker": broker, "workers": workers}, status=code
    )
