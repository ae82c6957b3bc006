"""Settings shared by every environment; each environment module reads the rest from os.environ.

See https://docs.djangoproject.com/en/5.2/ref/settings/ and https://django-environ.readthedocs.io/.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A .env file beside manage.py is optional; real deployments set the environment directly.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "accounts",
    "cases",
    "documents",
    "intake",
    "notifications",
    "workdays",
]

MIDDLEWARE = [
    "petition_desk.middleware.nul_free_headers",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "petition_desk.middleware.BureauLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.LoginRequiredMiddleware",
    "accounts.middleware.SessionRenewalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cases.references.read_once_per_request",
    # Last, as django-axes asks: it turns a lockout raised by the backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "petition_desk.urls"
WSGI_APPLICATION = "petition_desk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "notifications.context_processors.notifications",
                "petition_desk.context_processors.bureau",
            ],
            "libraries": {"links": "petition_desk.links"},
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # libpq waits forever for a host that drops packets; /healthz must answer instead.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
        "DB_CONNECT_TIMEOUT", default=5
    )
    # Prepared statements (psycopg's server-side binding): after five runs PostgreSQL may keep one
    # plan for a statement, whatever its values. Most statements differ only in ids, and their
    # planning was a third of PostgreSQL's work for a registration. No query may need its values
    # to use an index (open cases test the generated column Case.is_open), and the staff search's
    # words are planned each time (petition_desk.db.planned_afresh). Off with
    # DB_PREPARED_STATEMENTS=false, e.g. behind a connection pooler in transaction mode that does
    # not keep prepared statements.
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        DATABASES["default"]["OPTIONS"] |= {"server_side_binding": True, "prepare_threshold": 5}
    # Seconds any one statement may run; 0, the default, for no limit (tasks, migrations).
    # gunicorn.conf.py sets it for the web, whose threaded workers no longer bound a request's time.
    # A limit already in DATABASE_URL's options stays.
    if statement_timeout := env.int("DB_STATEMENT_TIMEOUT", default=0):
        options = DATABASES["default"]["OPTIONS"].get("options", "")
        if "statement_timeout" not in options:
            DATABASES["default"]["OPTIONS"]["options"] = (
                f"{options} -c statement_timeout={statement_timeout * 1000}".strip()
            )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A transaction takes SQLite's write lock when it begins, not at its first write: one that had
    # read first would be refused at once ("database is locked") if another wrote meanwhile, and
    # petition_desk.db.reserve_ids reserves ids before their rows are written.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Five failed logins lock the account (not the IP: windows share one NAT address) for 10 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=10)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# The lockout page promises ten minutes; a retry during them must not start the ten again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# axes.W006 warns that locking by username alone lets an attacker rotate addresses; locking by
# address as well would shut every window behind the bureau's one NAT address out at once.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# django-axes keeps a failed login's GET and POST data in its table and admin page, masking these.
# `next` is the page the session ended on, a search for an ID number or a phone included; the
# account is counted by its username column, and the CSRF token is a secret of the browser.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "next", "csrfmiddlewaretoken"]

# An idle session ends after 30 minutes; accounts.middleware.SessionRenewalMiddleware renews it.
SESSION_COOKIE_AGE = 30 * 60
# A form sent with an old token: a page in the site's layout and language, not Django's.
CSRF_FAILURE_VIEW = "petition_desk.csrf.csrf_failure"
# While someone types into a page it asks the server this often, which renews the session: 30
# minutes of typing a petitioner's account are not 30 minutes idle (static/js/forms.js).
STILL_HERE_EVERY_SECONDS = 5 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Attachments are private: MEDIA_URL is never routed; files leave only through a checked view.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "petition_desk.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "petition_desk.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Petition Desk API",
    "DESCRIPTION": "信访接访台 REST API: window intake, cases and the daily tally.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The documentation page's Redoc comes from our own static files: no CDN on an intranet.
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "GET_LIB_DOC_EXCLUDES": "petition_desk.api_serializers.schema_doc_excludes",
    # Several models have a `kind`: name each choice set after what it is a kind of.
    "ENUM_NAME_OVERRIDES": {
        "ClockKindEnum": "cases.models.ClockKind",
        "ContactKindEnum": "intake.models.ContactKind",
        "DocumentKindEnum": "documents.models.DocumentKind",
    },
}

# Celery: with REDIS_URL unset the broker is kombu's filesystem transport, so `make run` needs
# nothing but python3 (https://docs.celeryq.dev/projects/kombu/en/stable/reference/kombu.transport.filesystem.html).
REDIS_URL = env("REDIS_URL", default="")
CELERY_DATA_DIR = Path(env("CELERY_DATA_DIR", default=str(BASE_DIR / "var" / "celery")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A message taken by a worker that died is handed out again after this many seconds; the
    # outbox relay usually re-sends the work long before.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
        # redis-py waits forever on a Redis that stopped answering; bounded reads turn it into
        # kombu's OperationalError, which the outbox relay covers. Not below 2 s: the worker's
        # own polling waits 1 s per read.
        "socket_timeout": 2,
        "socket_connect_timeout": 2,
        # A connection the publisher opens (kombu's default_channel) is tried once, not for up to
        # broker_connection_timeout: every publish has the outbox relay behind it. The worker's
        # own reconnection follows CELERY_BROKER_CONNECTION_MAX_RETRIES, not this.
        "max_retries": 0,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    # kombu's own transport lets a worker read a message before it is written (see the module).
    CELERY_BROKER_TRANSPORT = "petition_desk.filesystem_broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Tasks that must survive a killed worker are acknowledged after they ran, one at a time.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Emails and PDF letters wait in queues of their own, so a burst of reminders or letters never
# holds up a forwarding: the worker consumes `celery,notifications`, a second worker at low
# priority `documents` (docker-compose.yml, Procfile.dev).
CELERY_TASK_ROUTES = {
    "notifications.tasks.*": {"queue": "notifications"},
    "documents.tasks.render_documents": {"queue": "documents"},
}
# A task cut off by a lost broker connection is redelivered (acks_late); say so explicitly.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_DATA_DIR / "beat-schedule")
# For what is sent outside petition_desk.celery.enqueue: beat's runs and a task's own retry, where
# nobody waits. enqueue tries once (a leader waits at the sign-off button; the relay re-sends).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
# One beat process reads this static schedule (https://docs.celeryq.dev/en/stable/userguide/periodic-tasks.html).
CELERY_BEAT_SCHEDULE = {
    "relay-outbox": {"task": "cases.tasks.relay_outbox", "schedule": 30.0},
    "relay-documents": {"task": "documents.tasks.relay_documents", "schedule": 60.0},
    "sweep-deadlines": {"task": "cases.tasks.sweep_deadlines", "schedule": crontab(minute="*/15")},
    "send-notification-emails": {"task": "notifications.tasks.send_notification_emails", "schedule": 20.0},
    "leader-digest": {
        "task": "notifications.tasks.send_leader_digest",
        "schedule": crontab(minute=0, hour="8-18", day_of_week="mon-fri"),
    },
    # Just after midnight, and again every hour: beat does not retry a run it could not send (Redis
    # away at that moment), and the task takes the snapshot only if it is missing.
    "snapshot-daily-tally": {
        "task": "intake.tasks.snapshot_daily_tally",
        "schedule": crontab(minute=5),
    },
}

# Shared by every web process (rate limits of the public look-up): Redis when there is one.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "petition_desk.cache.ClientKeepingRedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that hangs costs a page this long once, not for ever (petition_desk/cache.py).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The session is read on every request: from Redis when there is one, the database keeping it
# too. A per-process cache would let one web worker answer from a session another has since
# changed, so without Redis sessions stay in the database only.
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Whose address a rate limit counts (django-ratelimit). Behind the reverse proxy every request
# comes from the proxy: set this to the header it fills with the client's address, e.g.
# HTTP_X_REAL_IP (https://django-ratelimit.readthedocs.io/en/stable/security.html).
RATELIMIT_IP_META_KEY = env("RATELIMIT_IP_META_KEY", default="REMOTE_ADDR")

# EMAIL_URL as django-environ reads it, e.g. smtp+tls://user:password@mail.bureau.gov.cn:587
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="petition-desk@localhost")

# --- The bureau's own rules ------------------------------------------------------------------
BUREAU_NAME = env("BUREAU_NAME", default="吴江区信访局")
# The bureau's letters are numbered 吴信转〔2026〕12号: this prefix, the series, the year, the number.
DOCUMENT_NUMBER_PREFIX = env("DOCUMENT_NUMBER_PREFIX", default="吴信")
# Letters step aside this many seconds, then try again, while a case waits to be forwarded.
DOCUMENTS_YIELD_SECONDS = 15
# A visit of this many persons or more is a group visit (集体访).
GROUP_VISIT_THRESHOLD = env.int("GROUP_VISIT_THRESHOLD", default=5)
# Art. 20 of the 2022 regulations: a group names at most five representatives.
MAX_REPRESENTATIVES = 5
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_MAX_FILES = 10
# MIME types checked against the file's content, not its name.
ATTACHMENT_TYPES = {
    "application/pdf": _("PDF document"),
    "image/jpeg": _("JPEG image"),
    "image/png": _("PNG image"),
    "image/tiff": _("TIFF scan"),
}

# ID numbers are encrypted at rest (Fernet, newest key first so old keys still decrypt) and
# found through an HMAC of the normalised number under a key of its own. README: Rotating the keys.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")
ID_NUMBER_HASH_KEY = env("ID_NUMBER_HASH_KEY")
# Hash keys being retired: look-ups also try them until rotate_id_keys has re-hashed every row.
ID_NUMBER_HASH_OLD_KEYS = env.list("ID_NUMBER_HASH_OLD_KEYS", default=[])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs each of its seven steps of every letter at INFO.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
