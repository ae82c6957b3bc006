"""Sign-off and forwarding at a bureau's scale (issue 3 §8), against the database that
`bench/prepare.py` fills with a million cases. Needs Redis as well as PostgreSQL.

    .venv/bin/python bench/workflow.py [--rate 50] [--seconds 60] [--redis-url URL]

1. Gives the seeded open cases the clocks their state implies (once: the seed predates clocks).
2. Times the leader's sign-off queue and a department's inbox pages under gunicorn.
3. Times the deadline sweep over all open cases, first with nothing reminded yet, then again.
4. Leaves 1,000 sign-offs whose messages were lost (outbox rows pending), starts a Celery worker
   and times the relay until every row is done.
5. Runs gunicorn, a Celery worker and beat, sends `--rate` sign-offs a second through
   `POST /api/v1/cases/{id}/sign-off/` for `--seconds`, and measures, from the rows written,
   how long each case took from the sign-off to the department's inbox.

The benchmark changes its database: sign-offs need cases awaiting sign-off, so it turns the
newest closed cases back into awaiting ones (`bench/prepare.py --reseed` restores the seed).
"""

import argparse
import contextlib
import datetime
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

from run import (
    DEFAULT_DATABASE_URL,
    ROOT,
    Client,
    Measurement,
    free_port,
    machine,
    measure,
    setup_django,
    start_gunicorn,
    stop_gunicorn,
)

BENCH_LEADER = "bench_leader"
BENCH_DEPARTMENT_USER = "bench_department"
TARGETS = {
    "forward_p95_ms": 2000.0,
    "queue_p95_ms": 50.0,
    "inbox_p95_ms": 50.0,
    "sweep_s": 10.0,
    "relay_s": 10.0,
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"))
    parser.add_argument("--rate", type=int, default=50, help="sign-offs per second (default 50)")
    parser.add_argument("--seconds", type=int, default=60, help="how long they arrive (default 60)")
    parser.add_argument("--relay-rows", type=int, default=1000)
    parser.add_argument("--page-requests", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument(
        "--worker-concurrency", type=int, default=2, help="Celery worker processes (default 2)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    # start_gunicorn reads these from the arguments it is given.
    parser.set_defaults(worker_class="free-thread", threads=1, statement_timeout=5000)
    return parser.parse_args()


# --- set-up -----------------------------------------------------------------------------------


def ensure_user(username: str, role: str, department=None) -> str:
    from axes.utils import reset

    from accounts.models import User

    password = secrets.token_urlsafe(16)
    user, _ = User.objects.update_or_create(
        username=username, defaults={"role": role, "department": department, "is_active": True}
    )
    user.set_password(password)
    user.save()
    reset(username=username)
    return password


CLOCKS_FOR_OPEN_CASES = """
INSERT INTO cases_clock (case_id, kind, department_id, started_on, due_on, provisional, alert_level)
SELECT c.id, k.kind, CASE WHEN k.department THEN c.department_id END, s.started, s.started + k.days, false, 0
FROM cases_case c
JOIN LATERAL (
    SELECT (max(e.created_at) AT TIME ZONE 'Asia/Shanghai')::date AS started
    FROM cases_caseevent e WHERE e.case_id = c.id
) s ON true
JOIN (VALUES
    ('awaiting_sign_off', 'forward', 15, false), ('back_to_window', 'forward', 15, false),
    ('signed_off', 'forward', 15, false), ('returned', 'forward', 15, false),
    ('forwarded', 'notify_receipt', 15, true), ('assigned', 'notify_receipt', 15, true),
    ('received', 'notify_receipt', 15, true), ('received', 'return', 7, true),
    ('accepted', 'handling', 60, true), ('replied', 'review', 30, false)
) AS k(status, kind, days, department) ON k.status = c.status
WHERE c.status NOT IN ('declined', 'concluded', 'closed')
  AND NOT EXISTS (SELECT 1 FROM cases_clock x WHERE x.case_id = c.id)
"""


def backfill_clocks() -> int:
    from django.db import connection

    # Only the seeded cases lack clocks: what the benchmarks registered or forwarded has its own.
    with connection.cursor() as cursor:
        cursor.execute(CLOCKS_FOR_OPEN_CASES)
        count = cursor.rowcount
        cursor.execute("ANALYZE cases_clock")
    return count


def awaiting_cases(count: int) -> list[int]:
    """`count` cases awaiting sign-off with their FORWARD clock, taken from the newest closed
    cases when the seed has too few."""
    from django.db import connection, transaction

    from cases.models import Case, Status

    missing = count - Case.objects.filter(status=Status.AWAITING_SIGN_OFF).count()
    if missing > 0:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "WITH chosen AS "
                "(SELECT id FROM cases_case WHERE status = 'closed' ORDER BY id DESC LIMIT %s) "
                "UPDATE cases_case SET status = 'awaiting_sign_off', department_id = NULL, "
                "report_due = NULL, submitted_at = now() WHERE id IN (SELECT id FROM chosen)",
                [missing],
            )
            cursor.execute(
                "INSERT INTO cases_clock (case_id, kind, started_on, due_on, provisional, alert_level) "
                "SELECT id, 'forward', current_date, current_date + 15, false, 0 FROM cases_case c "
                "WHERE status = 'awaiting_sign_off' AND NOT EXISTS "
                "(SELECT 1 FROM cases_clock k WHERE k.case_id = c.id AND k.stopped_at IS NULL)"
            )
    return list(
        Case.objects.filter(status=Status.AWAITING_SIGN_OFF)
        .order_by("-id")
        .values_list("id", flat=True)[:count]
    )


def settle() -> None:
    """Vacuum what the set-up, earlier runs and the last measurement changed, so autovacuum does
    not run during the next one and the planner knows the tables as they are; then write the
    dirty pages out (CHECKPOINT), so that the next measurement does not pay for the last one's."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "cases_case",
            "cases_clock",
            "cases_caseevent",
            "cases_reminder",
            "notifications_notification",
        ):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("CHECKPOINT")


def lost_sign_offs(case_ids: list[int], leader_id: int, department_id: int) -> None:
    """Sign-offs whose task message never reached a worker: decision, status and outbox row
    committed, nothing sent."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_case SET status = 'signed_off' WHERE id = ANY(%s)",
            [case_ids],
        )
        cursor.execute(
            "INSERT INTO cases_signoff "
            "(case_id, leader_id, decision, department_id, instruction, created_at) "
            "SELECT id, %s, 'forward', %s, '基准测试', now() - interval '2 minutes' "
            "FROM unnest(%s::bigint[]) AS id RETURNING id",
            [leader_id, department_id, case_ids],
        )
        sign_off_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "INSERT INTO cases_outboxmessage (topic, object_id, state, created_at, sends, last_error) "
            "SELECT 'forward', id, 'pending', now() - interval '2 minutes', 0, '' "
            "FROM unnest(%s::bigint[]) AS id",
            [sign_off_ids],
        )


# --- processes --------------------------------------------------------------------------------


def celery_env(args) -> dict:
    return dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="petition_desk.settings.local",
        DJANGO_DEBUG="false",
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        LOG_LEVEL="WARNING",
    )


def start_celery(args, *command: str, name: str = "", low_priority: bool = False) -> subprocess.Popen:
    celery = str(Path(sys.executable).parent / "celery")
    log = open(f"/tmp/petition-desk-bench-{name or command[0]}.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [celery, "-A", "petition_desk", *command, "--loglevel", "WARNING"],
        cwd=ROOT,
        env=celery_env(args),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    if low_priority:
        # A session of its own is a scheduling group of its own (Linux autogroups), in which a
        # plain `nice` would only rank it against itself: lower the whole group instead, as
        # docker-compose.yml's cpu_shares lowers the letters' container.
        with contextlib.suppress(OSError):
            Path(f"/proc/{process.pid}/autogroup").write_text("10")
    return process


def wait_for_workers(timeout: float = 60) -> None:
    from petition_desk.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1):
            return
    sys.exit("bench: the Celery worker did not answer within a minute")


def login(port: int, username: str, password: str) -> Client:
    import re
    import urllib.parse

    client = Client(port)
    _, page = client.request("GET", "/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
    status, _ = client.request(
        "POST",
        "/login/",
        body.encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{port}/login/"},
    )
    if status != 302:
        sys.exit(f"bench: {username} could not sign in ({status})")
    return client


def api_client(port: int, username: str, password: str) -> Client:
    client = Client(port, {"Content-Type": "application/json", "Accept": "application/json"})
    status, data = client.request(
        "POST", "/api/v1/auth/token/", json.dumps({"username": username, "password": password}).encode()
    )
    if status != 200:
        sys.exit(f"bench: token for {username} answered {status}")
    client.headers["Authorization"] = "Token " + json.loads(data)["token"]
    return client


# --- measurements -----------------------------------------------------------------------------


def page_timings(port: int, username: str, password: str, path: str, requests: int) -> Measurement:
    clients = [login(port, username, password) for _ in range(2)]
    measure(clients, [("GET", path, None)] * 30, 200)
    return measure(clients, [("GET", path, None)] * requests, 200)


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def relay_drain(case_ids: list[int], leader_id: int, department_id: int) -> tuple[float, int]:
    from cases.forwarding import outbox_relay
    from cases.models import OutboxMessage, OutboxState

    lost_sign_offs(case_ids, leader_id, department_id)
    pending = OutboxMessage.objects.filter(state=OutboxState.PENDING)
    started = time.perf_counter()
    sent = outbox_relay(older_than=datetime.timedelta(minutes=1))
    while pending.exists() and time.perf_counter() - started < 120:
        time.sleep(0.05)
    return time.perf_counter() - started, sent


def sign_off_load(
    port: int, password: str, case_ids: list[int], department_id: int, rate: int
) -> Measurement:
    """One request every 1/rate seconds on a fixed schedule, whatever the answers take."""
    clients = [api_client(port, BENCH_LEADER, password) for _ in range(8)]
    latencies, errors = [], []
    lock = threading.Lock()
    slots = iter(enumerate(case_ids))
    started = time.perf_counter() + 0.5

    def work(client: Client) -> None:
        while True:
            with lock:
                item = next(slots, None)
            if item is None:
                return
            index, case_id = item
            delay = started + index / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            body = json.dumps(
                {"decision": "forward", "department": department_id, "instruction": "请研究处理"}
            )
            sent = time.perf_counter()
            status, data = client.request("POST", f"/api/v1/cases/{case_id}/sign-off/", body.encode())
            with lock:
                if status == 200:
                    latencies.append((time.perf_counter() - sent) * 1000)
                else:
                    errors.append(f"{case_id} → {status}: {data[:200]!r}")

    threads = [threading.Thread(target=work, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Measurement(latencies, time.perf_counter() - started, errors)


def forwarding_delays(case_ids: list[int], timeout: float = 120) -> list[float]:
    """Milliseconds from each sign-off to its Forwarding, once all are there (or the timeout)."""
    from django.db.models import F

    from cases.models import Forwarding

    deadline = time.monotonic() + timeout
    done = Forwarding.objects.filter(case_id__in=case_ids)
    while done.count() < len(case_ids) and time.monotonic() < deadline:
        time.sleep(0.5)
    delays = done.annotate(delay=F("created_at") - F("sign_off__created_at")).values_list("delay", flat=True)
    return [delay.total_seconds() * 1000 for delay in delays]


def percentile(values: list[float], p: float) -> float:
    return Measurement(values, 1, []).percentile(p)


def main() -> None:
    args = parse_args()
    os.environ["REDIS_URL"] = args.redis_url
    # The Redis database is the benchmark's own: messages an earlier run's killed worker left
    # behind would compete with this run's.
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    setup_django(args.database_url)
    from django.db.models import Count

    from accounts.models import User
    from cases.clocks import deadline_sweep
    from cases.models import Clock, Department, Reminder

    print(f"bench: clocks for open cases: {backfill_clocks():,} added", flush=True)
    busiest = (
        Department.objects.filter(
            cases__status__in=["forwarded", "assigned", "received", "accepted", "replied"]
        )
        .annotate(open=Count("cases"))
        .order_by("-open")
        .first()
    )
    leader_password = ensure_user(BENCH_LEADER, "leader")
    department_password = ensure_user(BENCH_DEPARTMENT_USER, "department", busiest)
    leader = User.objects.get(username=BENCH_LEADER)
    load_cases = args.rate * args.seconds
    cases = awaiting_cases(load_cases + args.relay_rows)
    relay_cases, load_cases = cases[: args.relay_rows], cases[args.relay_rows :]
    settle()
    results: dict = {
        "machine": machine(),
        "open_clocks": Clock.objects.filter(stopped_at__isnull=True).count(),
    }

    port = free_port()
    web = start_gunicorn(args, port)
    worker = letters = beat = None
    try:
        queue = page_timings(port, BENCH_LEADER, leader_password, "/cases/sign-off/", args.page_requests)
        inbox = page_timings(
            port, BENCH_DEPARTMENT_USER, department_password, "/cases/inbox/", args.page_requests
        )
        results["queue_p95_ms"] = queue.percentile(95)
        results["inbox_p95_ms"] = inbox.percentile(95)
        print(
            f"bench: queue p95 {results['queue_p95_ms']:.1f} ms, inbox p95 {results['inbox_p95_ms']:.1f} ms"
        )

        Clock.objects.update(alert_level=0)
        Reminder.objects.all().delete()
        results["sweep_s"], reminders = timed(deadline_sweep)
        results["sweep_again_s"], again = timed(deadline_sweep)
        print(f"bench: sweep {results['sweep_s']:.1f} s ({reminders} reminders), again {again}")
        # The sweep wrote tens of thousands of rows, which must not be flushed during the relay.
        settle()

        # As deployed (docker-compose.yml): cases and emails, and the letters at low priority, which
        # render every forwarded case's two PDFs while the relay and the sign-offs run.
        worker = start_celery(
            args,
            "worker",
            "-Q",
            "celery,notifications",
            "--pool",
            "prefork",
            "--concurrency",
            str(args.worker_concurrency),
        )
        letters = start_celery(
            args,
            "worker",
            "-Q",
            "documents",
            "--concurrency",
            "1",
            "--hostname",
            "letters@%h",
            name="letters",
            low_priority=True,
        )
        wait_for_workers()
        results["relay_s"], sent = relay_drain(relay_cases, leader.pk, busiest.pk)
        print(f"bench: relay drained {sent} rows in {results['relay_s']:.1f} s")

        beat = start_celery(args, "beat", "--schedule", f"/tmp/petition-desk-bench-beat-{port}")
        load = sign_off_load(port, leader_password, load_cases, busiest.pk, args.rate)
        delays = forwarding_delays(load_cases)
        results.update(
            sign_offs=len(load.latencies_ms),
            sign_off_errors=load.errors[:5],
            sign_off_http_p95_ms=load.percentile(95),
            forwarded=len(delays),
            forward_p95_ms=percentile(delays, 95),
            forward_max_ms=max(delays, default=float("nan")),
        )
        # The letters of every case forwarded above, rendered meanwhile at low priority: how far
        # they got by the end of the load (they are not part of any target).
        from documents.models import Document, DocumentState

        letters_of_run = Document.objects.filter(case_id__in=[*relay_cases, *load_cases])
        results["letters"] = letters_of_run.count()
        results["letters_ready"] = letters_of_run.filter(state=DocumentState.READY).count()
    finally:
        for process in (beat, worker, letters):
            if process is not None:
                stop_gunicorn(process)
        stop_gunicorn(web)
    report(args, results)


def report(args, results: dict) -> None:
    lines = [
        (
            "sign-off → department inbox, p95",
            "< 2 s",
            f"{results['forward_p95_ms']:.0f} ms",
            "forward_p95_ms",
        ),
        ("leader's sign-off queue page, p95", "< 50 ms", f"{results['queue_p95_ms']:.1f} ms", "queue_p95_ms"),
        ("department inbox page, p95", "< 50 ms", f"{results['inbox_p95_ms']:.1f} ms", "inbox_p95_ms"),
        ("deadline sweep, all open cases", "< 10 s", f"{results['sweep_s']:.1f} s", "sweep_s"),
        ("relay drains 1,000 pending rows", "< 10 s", f"{results['relay_s']:.1f} s", "relay_s"),
    ]
    failed = False
    print(
        f"\n{args.rate} sign-offs/s for {args.seconds} s: {results['sign_offs']} answered 200, "
        f"{results['forwarded']} forwarded, HTTP p95 {results['sign_off_http_p95_ms']:.0f} ms; "
        f"{results['open_clocks']:,} running clocks; letters of those cases and the relay's rendered "
        f"by the end: {results['letters_ready']:,} of {results['letters']:,}"
    )
    for errors in results["sign_off_errors"]:
        print(f"  error: {errors}")
    print("| what | target | measured | |\n|---|---|---|---|")
    for label, target, measured, key in lines:
        ok = results[key] < TARGETS[key]
        if key == "forward_p95_ms":
            ok = ok and results["forwarded"] == results["sign_offs"] == args.rate * args.seconds
        failed = failed or not ok
        print(f"| {label} | {target} | {measured} | {'PASS' if ok else 'FAIL'} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
