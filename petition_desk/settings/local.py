"""`make run` and development: SQLite and the filesystem broker unless the environment says otherwise."""

import os

from . import demo_keys

# Demo keys, so that `make run` works on a fresh machine; production.py refuses them.
os.environ.setdefault("DJANGO_SECRET_KEY", demo_keys.SECRET_KEY)
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", demo_keys.FIELD_ENCRYPTION_KEY)
os.environ.setdefault("ID_NUMBER_HASH_KEY", demo_keys.ID_NUMBER_HASH_KEY)

from .base import *  # noqa: F403

DEBUG = os.environ.get("DJANGO_DEBUG", "true").lower() == "true"
# The demo users and their printed password exist only where this is true.
DEMO_MODE = True
