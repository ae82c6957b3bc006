"""production.py starts only with keys of its own: not an empty or short look-up hash key (an
unkeyed hash of ID numbers can be reversed by trying every plausible number), nor the demo keys
published with the code."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from petition_desk.settings import demo_keys

ROOT = Path(__file__).resolve().parent.parent
DEMO_FERNET = demo_keys.FIELD_ENCRYPTION_KEY
REAL_KEYS = {
    "DJANGO_SECRET_KEY": "k3J9-a-production-secret-key-0123456789abcdefghijklmnop",
    "FIELD_ENCRYPTION_KEYS": "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMTIzNDU=",
    "ID_NUMBER_HASH_KEY": "a-production-hash-key-0123456789",
    "DJANGO_ALLOWED_HOSTS": "xinfang.example.gov.cn",
}


def start_production(**keys: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "petition_desk.settings.production"}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env | REAL_KEYS | keys,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_starts_with_keys_of_its_own():
    started = start_production()
    assert started.returncode == 0, started.stderr


@pytest.mark.parametrize(
    ("keys", "told"),
    [
        ({"ID_NUMBER_HASH_KEY": ""}, "ID_NUMBER_HASH_KEY must be at least 16 characters"),
        ({"ID_NUMBER_HASH_KEY": "short-key"}, "ID_NUMBER_HASH_KEY must be at least 16 characters"),
        ({"ID_NUMBER_HASH_KEY": demo_keys.ID_NUMBER_HASH_KEY}, "A demo key"),
        ({"FIELD_ENCRYPTION_KEYS": f"{REAL_KEYS['FIELD_ENCRYPTION_KEYS']},{DEMO_FERNET}"}, "A demo key"),
        ({"DJANGO_SECRET_KEY": demo_keys.SECRET_KEY}, "A demo key"),
    ],
    ids=["empty-hash-key", "short-hash-key", "demo-hash-key", "demo-encryption-key", "demo-secret-key"],
)
def test_production_refuses_keys_that_protect_nothing(keys, told):
    started = start_production(**keys)

    assert started.returncode != 0
    assert f"ImproperlyConfigured: {told}" in started.stderr


def test_production_counts_the_address_the_reverse_proxy_passes_on():
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "petition_desk.settings.production"}
    printed = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.RATELIMIT_IP_META_KEY)"],
        env=env | REAL_KEYS,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout

    assert printed.strip() == "petition_desk.client_address.behind_proxy"
