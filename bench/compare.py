"""Registration throughput of two versions of the code, measured in turns on the same machine.

    .venv/bin/python bench/compare.py REV [--rounds 8] [--requests 600] [--workers 4]

bench/run.py's figures move by 10–20 % between runs on these two-core machines, with nothing
changed: a change worth a tenth of the throughput cannot be seen by running it before and after.
This serves REV (a git revision, checked out into a temporary worktree) and the working tree side
by side, each under gunicorn as bench/run.py starts it, and registers visits with four concurrent
clients against one and then the other, in alternating order, for several rounds. A slow spell
of the machine then falls on both. Prints each round's rates and the median of the per-round
ratios (working tree / REV). Same database and set-up as bench/run.py (bench/README.md).
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import run


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("revision", help="the version to compare the working tree with, e.g. HEAD~3")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", run.DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"))
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--requests", type=int, default=600, help="registrations per version and round")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes of each version")
    parser.add_argument("--min-petitioners", type=int, default=900_000)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    # bench/run.py's gunicorn options, as its own defaults give them.
    args.worker_class, args.threads, args.statement_timeout, args.port = "free-thread", 1, 30_000, None
    os.environ["REDIS_URL"] = args.redis_url
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    run.setup_django(args.database_url)
    fixture = run.prepare(args.min_petitioners, samples=200)
    warm_up = 100
    count = 2 * (args.rounds * args.requests + warm_up)
    rng = random.Random()
    payloads = iter([run.visit_payload(fixture, number, rng) for number in run.new_resident_ids(count)])
    from django.db import connections

    connections.close_all()

    def registrations(n: int) -> list:
        return [("POST", "/api/v1/visits/", next(payloads)) for _ in range(n)]

    with tempfile.TemporaryDirectory(prefix="petition-desk-compare-") as folder:
        checkout = Path(folder) / "checkout"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(checkout), args.revision],
            cwd=run.ROOT,
            check=True,
            capture_output=True,
        )
        servers = {}
        try:
            for label, root in ((args.revision, checkout), ("working tree", run.ROOT)):
                port = run.free_port()
                servers[label] = (run.start_gunicorn(args, port, root), port)
            clients = {
                label: [run.api_client(port, fixture.password) for _ in range(args.concurrency)]
                for label, (_process, port) in servers.items()
            }
            rates: dict[str, list[float]] = {label: [] for label in servers}
            for label in servers:
                run.measure(clients[label], registrations(warm_up), 201)
            for round_ in range(args.rounds):
                order = list(servers) if round_ % 2 == 0 else list(reversed(servers))
                for label in order:
                    measured = run.measure(clients[label], registrations(args.requests), 201)
                    if measured.errors:
                        sys.exit(f"bench: {label}: {measured.errors[0]}")
                    rates[label].append(measured.rate)
                print(
                    f"round {round_ + 1}: "
                    + ", ".join(f"{label} {rates[label][-1]:.0f} /s" for label in servers),
                    flush=True,
                )
        finally:
            for process, _port in servers.values():
                run.stop_gunicorn(process)
            subprocess.run(["git", "worktree", "remove", "--force", str(checkout)], cwd=run.ROOT, check=False)
    base, current = rates[args.revision], rates["working tree"]
    ratios = [new / old for old, new in zip(base, current, strict=True)]
    for label, measured in ((args.revision, base), ("working tree", current)):
        print(f"{label}: median {statistics.median(measured):.0f} /s")
    print(f"working tree / {args.revision}, per round: " + " ".join(f"{r:.3f}" for r in ratios))
    print(f"median ratio {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
