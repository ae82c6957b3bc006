"""The window desk's hot requests counted, not timed: instructions and PostgreSQL CPU per request.

    .venv/bin/python bench/instructions.py [--requests 40] [--only registration,lookup,matter,desk]

Latencies on these two-core machines vary by 10–20 % between runs and by up to two times between
machines of the same kind, so a change worth a tenth of a request cannot be seen in them. This
counts instead. Each request kind runs in a Python process of its own under valgrind's callgrind,
through Django's WSGI handler as gunicorn calls it, against the database `manage.py seed_scale`
filled (bench/README.md); instrumentation is on only around the measured requests, after a
warm-up. The count is the same from run to run for the same code, database and Python. Beside it,
the CPU time of the PostgreSQL backend serving those requests (from /proc), which does not depend
on the web process running under valgrind.

Requests: a registration (`POST /api/v1/visits/`, the payload of bench/run.py), the repeat
look-up of a known person (`GET /desk/lookup/`), the same look-up for a new person with the whole
name of one of the seed's organisations (`matter`: five of its open cases offered), and the window
desk page (`GET /desk/`), with
Redis for the cache and the sessions as deployed. Each process starts from bench/run.py's set-up,
which removes what earlier runs registered. Needs valgrind (Debian package `valgrind`).
"""

import argparse
import io
import itertools
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

import run

KINDS = ("registration", "lookup", "matter", "desk")
WARM_UP = 20
MIN_PETITIONERS = 900_000  # as bench/run.py: the figures are for a bureau's million


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", run.DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"))
    parser.add_argument("--requests", type=int, default=40, help="measured requests of each kind")
    parser.add_argument("--only", default=",".join(KINDS), help="comma-separated: " + ", ".join(KINDS))
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    return parser.parse_args()


# --- in the measured process ------------------------------------------------------------------


def backend() -> tuple[int, float]:
    """The PostgreSQL backend serving this process, and the CPU seconds it has used."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    # Nanoseconds on the CPU: /proc/PID/stat counts in ticks of 10 ms, too coarse for 40 requests.
    return pid, int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


def requests_of(kind: str, count: int) -> list[dict]:
    """WSGI environs of `count` requests of `kind`, signed in as the benchmark's receptionist."""
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from accounts.models import User

    fixture = run.prepare(min_petitioners=MIN_PETITIONERS, samples=count)
    user = User.objects.get(username=run.BENCH_USER)
    if kind == "registration":
        token, _ = Token.objects.get_or_create(user=user)
        rng = random.Random(11)
        bodies = [run.visit_payload(fixture, number, rng) for number in run.new_resident_ids(count)]
        return [
            {
                "REQUEST_METHOD": "POST",
                "PATH_INFO": "/api/v1/visits/",
                "CONTENT_TYPE": "application/json",
                "CONTENT_LENGTH": str(len(body)),
                "HTTP_AUTHORIZATION": f"Token {token.key}",
                "wsgi.input": body,
            }
            for body in bodies
        ]
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    if kind == "desk":
        return [{"REQUEST_METHOD": "GET", "PATH_INFO": "/desk/", "HTTP_COOKIE": cookie}] * count
    if kind == "lookup":
        queries = [
            urllib.parse.urlencode({"people-0-id_number": number, "people-0-mobile": mobile})
            for number, mobile in itertools.islice(itertools.cycle(fixture.known), count)
        ]
    else:
        from intake.management.commands.seed_scale import ORGANISATIONS

        # People never registered (a mobile prefix the seed does not give), each typing the whole
        # name of an organisation with open cases.
        organisations = itertools.islice(itertools.cycle(ORGANISATIONS), count)
        people = zip(run.new_resident_ids(count), organisations, strict=True)
        queries = [
            urllib.parse.urlencode(
                {"people-0-id_number": number, "people-0-mobile": f"191{index:08d}", "organisation": name}
            )
            for index, (number, name) in enumerate(people)
        ]
    return [
        {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/desk/lookup/",
            "QUERY_STRING": query,
            "HTTP_COOKIE": cookie,
        }
        for query in queries
    ]


def measure_here(kind: str, count: int) -> None:
    """Runs under callgrind: warm up, then count `count` requests; prints PostgreSQL's share."""
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    expected = "201" if kind == "registration" else "200"

    def call(environ: dict) -> None:
        environ = {
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            **environ,
            "wsgi.input": io.BytesIO(environ.get("wsgi.input", b"")),
        }
        status = []
        body = b"".join(handler(environ, lambda line, headers, exc_info=None: status.append(line)))
        if not status[0].startswith(expected):
            sys.exit(f"bench: {environ['PATH_INFO']} answered {status[0]}: {body[:300]!r}")

    environs = requests_of(kind, WARM_UP + count)
    for environ in environs[:WARM_UP]:
        call(environ)
    pid, before = backend()
    subprocess.run(["callgrind_control", "--instr=on", str(os.getpid())], check=True, capture_output=True)
    for environ in environs[WARM_UP:]:
        call(environ)
    subprocess.run(["callgrind_control", "--instr=off", str(os.getpid())], check=True, capture_output=True)
    same_pid, after = backend()
    if same_pid != pid:
        sys.exit("bench: the database connection was replaced while measuring; raise DB_CONN_MAX_AGE.")
    print(json.dumps({"postgres_cpu_ms": 1000 * (after - before) / count}))


# --- the parent --------------------------------------------------------------------------------


def instructions_in(callgrind_file: Path) -> int:
    for line in reversed(callgrind_file.read_text().splitlines()):
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    sys.exit(f"bench: no total in {callgrind_file}")


def measure(kind: str, args) -> dict:
    with tempfile.TemporaryDirectory(prefix="petition-desk-callgrind-") as folder:
        output = Path(folder) / "callgrind.out"
        child = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={output}",
                sys.executable,
                __file__,
                "--child",
                kind,
                "--requests",
                str(args.requests),
                "--database-url",
                args.database_url,
                "--redis-url",
                args.redis_url,
            ],
            capture_output=True,
            text=True,
            # The same hash seed every run: dict and set layouts, hence the count, stay the same.
            env=os.environ | {"PYTHONHASHSEED": "0"},
        )
        if child.returncode != 0:
            sys.exit(f"bench: measuring {kind} failed:\n{child.stdout[-2000:]}\n{child.stderr[-3000:]}")
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        return {"instructions": instructions_in(output) / args.requests, **figures}


def main() -> None:
    args = parse_args()
    if args.child:
        os.environ["REDIS_URL"] = args.redis_url
        # A request takes a second under callgrind: the connection must outlive the measurement,
        # as it outlives thousands of requests in a gunicorn worker.
        os.environ["DB_CONN_MAX_AGE"] = "3600"
        run.setup_django(args.database_url)
        measure_here(args.child, args.requests)
        return
    if not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        sys.exit("bench: needs valgrind and callgrind_control (Debian package valgrind).")
    kinds = [kind for kind in args.only.split(",") if kind]
    unknown = set(kinds) - set(KINDS)
    if unknown:
        sys.exit(f"bench: unknown kinds {', '.join(sorted(unknown))}; choose from {', '.join(KINDS)}.")
    results = {}
    print(f"bench: {args.requests} requests of each kind under callgrind (about a minute each)", flush=True)
    for kind in kinds:
        results[kind] = measure(kind, args)
        print(
            f"  {kind:<14} {results[kind]['instructions'] / 1e6:8.2f} M instructions per request (web)"
            f"   PostgreSQL {results[kind]['postgres_cpu_ms']:5.2f} ms CPU per request",
            flush=True,
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
