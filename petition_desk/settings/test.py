"""The test suite: PostgreSQL and Redis on 127.0.0.1 when they answer, SQLite and no Redis when not.

With PETITION_DESK_REQUIRE_SERVICES=1 (set by .ci/run) an unreachable service is an error, so CI
can never pass by quietly skipping the tests that need it.
"""

import os
import socket
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key")
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMTIzNDU=")
os.environ.setdefault("ID_NUMBER_HASH_KEY", "test-id-hash-key")


def _answers(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


REQUIRE_SERVICES = os.environ.get("PETITION_DESK_REQUIRE_SERVICES") == "1"

if "DATABASE_URL" not in os.environ and _answers("127.0.0.1", 5432):
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/petition_desk"
if "REDIS_URL" not in os.environ and _answers("127.0.0.1", 6379):
    os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/15"

# Without Redis the suite publishes to a filesystem broker of its own (base.py reads the folder).
_celery_dir = os.environ.setdefault("CELERY_DATA_DIR", tempfile.mkdtemp(prefix="petition-desk-celery-"))
for _folder in ("queue", "processed", "control"):
    os.makedirs(os.path.join(_celery_dir, _folder), exist_ok=True)

from .base import *  # noqa: E402,F403
from .base import DATABASES, REDIS_URL  # noqa: E402

USES_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
USES_REDIS = bool(REDIS_URL)
if REQUIRE_SERVICES and not (USES_POSTGRES and USES_REDIS):
    raise RuntimeError(
        "PETITION_DESK_REQUIRE_SERVICES=1 but "
        + ("PostgreSQL" if not USES_POSTGRES else "Redis")
        + " is not reachable: start it (see .ci/run) instead of skipping its tests."
    )

DEBUG = False
DEMO_MODE = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="petition-desk-media-")
# Static files straight from the app folders: the suite never runs collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Rate-limit counters must not outlive a test.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
