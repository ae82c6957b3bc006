"""Real deployments: every secret comes from the environment and there is no default for them."""

from .base import *  # noqa: F403
from .base import env

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
# HTTPS is terminated by the reverse proxy; HSTS only once the bureau's certificate is settled.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
# /healthz is probed over plain HTTP by the container health check.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
