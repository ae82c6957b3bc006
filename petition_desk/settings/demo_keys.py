"""The keys `make run` uses when the environment gives none: published with the code, so
production.py refuses them."""

SECRET_KEY = "local-demo-secret-key-not-for-production"
FIELD_ENCRYPTION_KEY = "bG9jYWwtZGVtby1rZXktMzItYnl0ZXMtbG9uZy0hISE="
ID_NUMBER_HASH_KEY = "local-demo-id-hash-key"
