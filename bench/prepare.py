"""Make the benchmark's database ready: create it if missing, migrate it, and fill it with
`manage.py seed_scale` unless it already holds at least --petitioners petitioners.

    .venv/bin/python bench/prepare.py [--petitioners 1000000] [--database-url URL] [--reseed]
"""

import argparse
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/petition_desk_bench"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--petitioners", type=int, default=1_000_000)
    parser.add_argument("--reseed", action="store_true", help="seed again even if the data is there")
    args = parser.parse_args()

    url = urllib.parse.urlsplit(args.database_url)
    name = url.path.lstrip("/")
    if not name or "test" in name:
        sys.exit(
            f"bench: refusing database name {name!r}: use a database of its own (default petition_desk_bench)"
        )
    server = urllib.parse.urlunsplit(url._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"bench: created database {name}")
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="petition_desk.settings.local",
        DJANGO_DEBUG="false",
        DATABASE_URL=args.database_url,
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
    with psycopg.connect(args.database_url) as connection:
        present = connection.execute("SELECT count(*) FROM intake_petitioner").fetchone()[0]
    if present >= args.petitioners and not args.reseed:
        print(f"bench: {name} already holds {present:,} petitioners (seed again with --reseed)")
        return
    subprocess.run(
        [*manage, "seed_scale", "--petitioners", str(args.petitioners), "--reset"],
        env=env,
        cwd=ROOT,
        check=True,
    )


if __name__ == "__main__":
    main()
