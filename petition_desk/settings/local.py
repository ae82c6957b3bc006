"""`make run` and development: SQLite and the filesystem broker unless the environment says otherwise."""

import os

# Demo keys, so that `make run` works on a fresh machine; production.py insists on real ones.
os.environ.setdefault("DJANGO_SECRET_KEY", "local-demo-secret-key-not-for-production")
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "bG9jYWwtZGVtby1rZXktMzItYnl0ZXMtbG9uZy0hISE=")
os.environ.setdefault("ID_NUMBER_HASH_KEY", "local-demo-id-hash-key")

from .base import *  # noqa: F403

DEBUG = os.environ.get("DJANGO_DEBUG", "true").lower() == "true"
# The demo users and their printed password exist only where this is true.
DEMO_MODE = True
