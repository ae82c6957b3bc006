"""Code run in a process of its own on `make run`'s SQLite, for what the PostgreSQL suite cannot
show: plain SQL and locking as SQLite does them."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_on_sqlite(script: str, folder: Path) -> dict:
    """Runs `script` (Django set up, the database migrated) against a new SQLite file in
    `folder`, with `make run`'s settings; returns the JSON its last line printed."""
    celery = folder / "celery"
    for name in ("queue", "processed", "control"):
        (celery / name).mkdir(parents=True)
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "petition_desk.settings.local",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "CELERY_DATA_DIR": str(celery),
    }
    prelude = "import django\ndjango.setup()\nfrom django.core.management import call_command\n"
    prelude += 'call_command("migrate", verbosity=0)\n'
    printed = subprocess.run(
        [sys.executable, "-c", prelude + script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert printed.returncode == 0, printed.stderr[-3000:]
    return json.loads(printed.stdout.strip().splitlines()[-1])
