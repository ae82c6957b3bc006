"""Real deployments: every secret comes from the environment and there is no default for them."""

from django.core.exceptions import ImproperlyConfigured

from . import demo_keys
from .base import *  # noqa: F403
from .base import FIELD_ENCRYPTION_KEYS, ID_NUMBER_HASH_KEY, SECRET_KEY, env

# An empty hash key makes the ID numbers' look-up hash an unkeyed one, open to trying every
# plausible number; the demo keys are published with the code.
MIN_HASH_KEY_LENGTH = 16
if len(ID_NUMBER_HASH_KEY) < MIN_HASH_KEY_LENGTH:
    raise ImproperlyConfigured(
        f"ID_NUMBER_HASH_KEY must be at least {MIN_HASH_KEY_LENGTH} characters (.env.example)."
    )
if (
    ID_NUMBER_HASH_KEY == demo_keys.ID_NUMBER_HASH_KEY
    or demo_keys.FIELD_ENCRYPTION_KEY in FIELD_ENCRYPTION_KEYS
    or SECRET_KEY == demo_keys.SECRET_KEY
):
    raise ImproperlyConfigured(
        "A demo key of settings/local.py is set: give production keys of its own (.env.example)."
    )

DEBUG = False
DEMO_MODE = env.bool("DEMO_MODE", default=False)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Behind the bureau's reverse proxy, which terminates TLS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The public look-up's rate limit counts the address the proxy passes on (README: Deploying).
RATELIMIT_IP_META_KEY = env("RATELIMIT_IP_META_KEY", default="petition_desk.client_address.behind_proxy")
# HTTPS is terminated by the reverse proxy; HSTS only once the bureau's certificate is settled.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
# /healthz is probed over plain HTTP by the container health check.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
