"""On PostgreSQL, psycopg's server-side binding with prepared statements is on unless
DB_PREPARED_STATEMENTS turns it off; DB_STATEMENT_TIMEOUT bounds every statement."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgres://petition_desk@db.example:5432/petition_desk"


def database_options(**environment: str) -> dict:
    code = "from django.conf import settings; print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DB_PREPARED_STATEMENTS", "DB_STATEMENT_TIMEOUT", "DATABASE_URL")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "petition_desk.settings.local",
        "DATABASE_URL": POSTGRES_URL,
        **environment,
    }
    printed = subprocess.run(
        [sys.executable, "-c", f"import django, json; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(printed.strip().splitlines()[-1])


def test_statements_are_prepared_on_postgresql():
    options = database_options()

    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5


@pytest.mark.parametrize("value", ["false", "0"])
def test_prepared_statements_can_be_turned_off_for_a_pooler(value):
    options = database_options(DB_PREPARED_STATEMENTS=value)

    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options


def test_statements_run_without_a_time_limit_unless_one_is_set():
    assert "options" not in database_options()

    options = database_options(DB_STATEMENT_TIMEOUT="30")

    assert options["options"] == "-c statement_timeout=30000"


def test_a_limit_in_the_database_url_stays():
    url = POSTGRES_URL + "?options=-c%20statement_timeout%3D5000"

    options = database_options(DATABASE_URL=url, DB_STATEMENT_TIMEOUT="30")

    assert options["options"] == "-c statement_timeout=5000"
