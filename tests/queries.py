"""Query counts that depend on the configuration."""

from django.conf import settings


def session_queries() -> int:
    """Reading the session on a request: none with Redis (cached_db), one from the database."""
    return 0 if settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db" else 1
