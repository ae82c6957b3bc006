"""The staff search at a bureau's scale (issue 4 §4), against the database that `bench/prepare.py`
fills with a million cases; with the department inbox and registration timed alongside.

    .venv/bin/python bench/search.py [--requests 300] [--json FILE]

1. Sets up as bench/run.py does (its receptionist, window and samples; what earlier runs registered
   is removed), gives open cases their clocks as bench/workflow.py does, and registers RARE_CASES
   cases whose facts hold a word no seeded case has (光伏).
2. Starts gunicorn (bench/run.py's), signs in a leader and a department's staff through the login
   form, and times `GET /cases/search/?q=…` for each kind of key: a case number, a tracking code,
   an ID number, a phone and a name of random seeded cases; common and rare words of two and four
   characters, a word in most cases, two words, a word in no case; and as department staff.
3. Times the department inbox page (bench/workflow.py's `page_timings`) and registering a visit
   (`POST /api/v1/visits/`, bench/run.py's payload) at one client.

Prints p50/p95 per line; exit status 1 if a search line's p95 is over the target.
"""

import argparse
import itertools
import os
import random
import sys
import urllib.parse
from pathlib import Path

from run import (
    BENCH_USER,
    DEFAULT_DATABASE_URL,
    api_client,
    free_port,
    machine,
    measure,
    new_resident_ids,
    prepare,
    setup_django,
    start_gunicorn,
    stop_gunicorn,
    visit_payload,
)
from workflow import BENCH_DEPARTMENT_USER, BENCH_LEADER, backfill_clocks, ensure_user, login, page_timings

SEARCH_TARGET_MS = 100.0
RARE_WORD = "光伏"
RARE_CASES = 5
# The department whose staff search: wage claims are its matters, 违章搭建 another's.
DEPARTMENT = "labour"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--requests", type=int, default=300, help="timed requests per line (default 300)")
    parser.add_argument("--warmup", type=int, default=30, help="untimed requests before each line")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--min-petitioners", type=int, default=900_000, help="refuse a smaller database")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    # start_gunicorn reads these from the arguments it is given.
    parser.set_defaults(worker_class="free-thread", threads=1, statement_timeout=5000)
    return parser.parse_args()


def register_rare_cases(window_id: int) -> None:
    """Cases with a word nobody else wrote, registered by the bench's receptionist (so the next run
    of bench/run.py or of this script removes them)."""
    from accounts.models import User
    from cases.models import Category, Place, SubjectArea
    from cases.services import CaseData
    from intake.services import Attendee, PetitionerData, VisitData, visit_register

    receptionist = User.objects.get(username=BENCH_USER)
    case = CaseData(
        facts=f"屋顶{RARE_WORD}板安装后漏水，安装公司不予维修。",
        request="要求安装公司维修。",
        category_id=Category.objects.get(code="appeal").pk,
        subject_area_id=SubjectArea.objects.get(code="other").pk,
        place_id=Place.objects.order_by("sort_order").first().pk,
    )
    for index in range(RARE_CASES):
        visit_register(
            data=VisitData(
                window_id=window_id,
                persons=1,
                attendees=(Attendee(new=PetitionerData(name=f"基准{index}")),),
                case=case,
            ),
            receptionist=receptionist,
        )


def samples(fixture, count: int) -> dict[str, list[str]]:
    """Keys of random seeded cases and their people."""
    from cases.models import Case
    from intake.models import Petitioner

    rng = random.Random(11)
    highest = Case.objects.order_by("-pk").values_list("pk", flat=True).first()
    ids = rng.sample(range(1, highest + 1), count)
    cases = list(Case.objects.filter(pk__in=ids).values_list("number", "tracking_code"))
    names = list(Petitioner.objects.filter(pk__in=ids).values_list("name", flat=True))
    return {
        "number": [number for number, _code in cases],
        "tracking_code": [code for _number, code in cases],
        "id_number": [number for number, _mobile in fixture.known],
        "phone": [mobile for _number, mobile in fixture.known],
        "name": names,
    }


def search_lines(keys: dict[str, list[str]]) -> list[tuple[str, str, list[str]]]:
    """(label, who, queries): who is "leader" or "department"."""
    return [
        ("case number", "leader", keys["number"]),
        ("tracking code", "leader", keys["tracking_code"]),
        ("ID number (keyed hash)", "leader", keys["id_number"]),
        ("mobile phone", "leader", keys["phone"]),
        ("name", "leader", keys["name"]),
        ("2-char word, common (工资 6.5 %, 拆迁, 低保, 噪音)", "leader", ["工资", "拆迁", "低保", "噪音"]),
        (
            "4-char word, common (违章搭建 3.8 %, 补偿标准, 工伤认定)",
            "leader",
            ["违章搭建", "补偿标准", "工伤认定"],
        ),
        (f"2-char word, rare ({RARE_WORD}: {RARE_CASES} cases)", "leader", [RARE_WORD]),
        (f"4-char word, rare ({RARE_WORD}板安装: {RARE_CASES} cases)", "leader", [f"{RARE_WORD}板安装"]),
        ("a word in most cases (要求 78 %)", "leader", ["要求"]),
        ("two words (河道 偷排)", "leader", ["河道 偷排"]),
        ("a word in no case (高铁噪音)", "leader", ["高铁噪音"]),
        ("department: its own common word (工资)", "department", ["工资"]),
        ("department: another's common word (违章搭建)", "department", ["违章搭建"]),
        ("department: name", "department", keys["name"]),
    ]


def main() -> None:
    args = parse_args()
    setup_django(args.database_url)
    from cases.models import Department

    n = args.requests
    print("bench: preparing (users, samples, rare cases, clocks) …", flush=True)
    fixture = prepare(args.min_petitioners, samples=200)
    # Before the rare cases, which start clocks of their own: the back-fill runs on a clockless table.
    print(f"bench: clocks for open cases: {backfill_clocks():,} added", flush=True)
    register_rare_cases(fixture.window_id)
    passwords = {
        "leader": ensure_user(BENCH_LEADER, "leader"),
        "department": ensure_user(
            BENCH_DEPARTMENT_USER, "department", Department.objects.get(code=DEPARTMENT)
        ),
    }
    usernames = {"leader": BENCH_LEADER, "department": BENCH_DEPARTMENT_USER}
    keys = samples(fixture, 200)
    id_numbers = iter(new_resident_ids(n + args.warmup + 10))
    rng = random.Random()
    info = machine()
    from django.db import connections

    connections.close_all()

    port = free_port()
    web = start_gunicorn(args, port)
    results = {}
    try:
        clients = {who: login(port, usernames[who], passwords[who]) for who in usernames}
        for label, who, queries in search_lines(keys):
            cycle = itertools.cycle(queries)

            def requests(count: int, cycle=cycle) -> list:
                return [
                    ("GET", "/cases/search/?" + urllib.parse.urlencode({"q": next(cycle)}), None)
                    for _ in range(count)
                ]

            print(f"bench: search, {label}", flush=True)
            measure([clients[who]], requests(args.warmup), 200)
            results[label] = measure([clients[who]], requests(n), 200)
        print("bench: department inbox", flush=True)
        results["inbox"] = page_timings(
            port, BENCH_DEPARTMENT_USER, passwords["department"], "/cases/inbox/", n
        )
        print("bench: registration", flush=True)
        api = api_client(port, fixture.password)
        posts = [("POST", "/api/v1/visits/", visit_payload(fixture, next(id_numbers), rng)) for _ in range(n)]
        measure([api], posts[: args.warmup], 201)
        results["registration"] = measure([api], posts[args.warmup :], 201)
    finally:
        stop_gunicorn(web)
    report(args, info, results)


def report(args, info: dict, results: dict) -> None:
    print(f"\nStaff search benchmark — {info['date']}")
    print(
        f"  machine: {info['cpu']}, {info['cores']} cores, {info['memory']}; "
        f"sum(range(10**6)) in {info['python_speed_ms']} ms; "
        f"PostgreSQL {info['postgresql']}; gunicorn {args.workers} × {args.worker_class}; "
        f"{args.requests} timed requests per line, one client"
    )
    print("\n| measurement | p50 | p95 | target | |\n|---|---|---|---|---|")
    failed = False
    figures = {}
    for label, measurement in results.items():
        p50, p95 = measurement.percentile(50), measurement.percentile(95)
        figures[label] = {"p50_ms": p50, "p95_ms": p95, "errors": len(measurement.errors)}
        if label == "inbox":
            shown, target, verdict = "department inbox page `GET /cases/inbox/` (two clients)", "< 50 ms", ""
        elif label == "registration":
            shown, target, verdict = "register a visit `POST /api/v1/visits/`", "< 15 ms", ""
        else:
            shown, target = f"search: {label}", f"< {SEARCH_TARGET_MS:.0f} ms"
            ok = p95 == p95 and p95 < SEARCH_TARGET_MS and not measurement.errors
            verdict = "PASS" if ok else "FAIL"
            failed = failed or not ok
        print(f"| {shown} | {p50:.1f} ms | {p95:.1f} ms | {target} | {verdict} |")
        for error in measurement.errors[:2]:
            print(f"  error: {error}")
    if args.json:
        import json

        args.json.write_text(json.dumps({"machine": info, "figures": figures}, indent=2, ensure_ascii=False))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
