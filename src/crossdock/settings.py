"""Django settings for Crossdock, driven by environment variables (see docs/configuration.md)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext

from crossdock.config import (
    data_dir,
    database_url,
    ensure_data_dir,
    env_flag,
    env_int,
    env_list,
    may_create,
    persistent_secret,
    private_file,
)

django_stubs_ext.monkeypatch()

DATA_DIR = data_dir()
DEBUG = env_flag("CROSSDOCK_DEBUG")
SECRET_KEY = persistent_secret("CROSSDOCK_SECRET_KEY", "secret_key")
#: Key for channel and desk secrets at rest (Fernet); generated into the data folder if unset.
ENCRYPTION_KEY = persistent_secret("CROSSDOCK_ENCRYPTION_KEY", "encryption_key")
#: Key for keyed hashes of generated passwords and API tokens.
HASH_KEY = persistent_secret("CROSSDOCK_HASH_KEY", "hash_key")
ALLOWED_HOSTS = env_list("CROSSDOCK_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CROSSDOCK_CSRF_TRUSTED_ORIGINS", [])
#: The sandbox marketplace's pages and shop sign-up (a development and demo tool).
SANDBOX_PAGES = env_flag("CROSSDOCK_SANDBOX")
#: The public base URL (scheme, host, port) used in generated endpoint URLs.
PUBLIC_URL = os.environ.get("CROSSDOCK_PUBLIC_URL", "").rstrip("/")
#: Multi-tenant hosts: the desk refuses store URLs resolving to private/loopback addresses.
CROSSDOCK_DESK_BLOCK_PRIVATE_ADDRESSES = env_flag("CROSSDOCK_DESK_BLOCK_PRIVATE_ADDRESSES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    # Serves Swagger UI's own files (templates, JS, CSS) so the API docs need no CDN.
    "ninja",
    "crossdock.hub.accounts",
    "crossdock.hub.channels",
    "crossdock.hub.catalog",
    "crossdock.hub.orders",
    "crossdock.hub.fulfillment",
    "crossdock.hub.shipstation",
    "crossdock.platform",
    "crossdock.sandbox",
    "crossdock.web",
    "crossdock.desk",
    "crossdock.desk.accounts",
    "crossdock.desk.stores",
    "crossdock.desk.orders",
    "crossdock.desk.shipments",
]

MIDDLEWARE = [
    # /healthz, /readyz and /metrics, answered before host checks, HTTPS redirects and sessions.
    "crossdock.ops.middleware.OperationsMiddleware",
    # X-Request-ID on every answer and log line; one access line per request, without query.
    "crossdock.platform.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # MACHINE_PATHS (the Custom Store endpoint) go straight to their view from here.
    "crossdock.platform.machine.MachineEndpointMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's session middleware, but the desk (/desk/) keeps a session cookie of its own.
    "crossdock.platform.sessions.ProductSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "crossdock.platform.headers.SecurityHeadersMiddleware",
    # A service's NotFound escaping a view is the 404 page, never a 500.
    "crossdock.platform.not_found.NotFoundPageMiddleware",
]

#: Paths only software calls, with credentials of their own: answered without the page
#: middleware (sessions, CSRF, messages …; ``crossdock.platform.machine``).
MACHINE_PATHS = ("/shipstation/",)

ROOT_URLCONF = "crossdock.urls"
WSGI_APPLICATION = "crossdock.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project-wide templates: the 404 and 500 pages of the hub and the desk.
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # {% load media_proxy %}: signed same-origin addresses of item images.
            "libraries": {"media_proxy": "crossdock.media_proxy"},
        },
    },
]


def _database() -> dict[str, Any]:
    config: dict[str, Any] = dict(dj_database_url.parse(database_url(), conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if config["NAME"] and config["NAME"] != ":memory:" and may_create():
            ensure_data_dir()
            if Path(config["NAME"]).parent.is_dir():
                private_file(Path(config["NAME"]))
        # Each thread keeps its connection (60 s, as on PostgreSQL): a new one per request
        # cost about 6.7 ms of CPU (SQLite reads the schema again, Django registers its
        # functions, the init_command's PRAGMAs), a third of a ship notice's own work.
        # Django's backend, with a process's writers queued on a lock (see its docstring).
        config["ENGINE"] = "crossdock.platform.sqlite"
        # WAL lets readers run beside the writer; IMMEDIATE takes the write lock up front so
        # two writers queue on the busy timeout instead of failing a lock upgrade.
        config["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        # Connections outlive a request (CONN_MAX_AGE): one the server ended meanwhile (a
        # restart, a failover, an idle timeout) is found and replaced before it is used,
        # instead of failing the next request of every web thread and worker lane.
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": "crossdock.platform.tasks.DatabaseBackend",
        "QUEUES": ["default", "sync", "writeback", "desk", "desk_imports", "stock"],
    }
}
#: Each lane is a worker thread claiming only from its queues, so a slow job in one lane
#: (a desk import from a slow store, a channel pull) never delays the others' work.
WORKER_LANES: dict[str, list[str]] = {
    "writeback": ["writeback", "default"],
    "sync": ["sync"],
    "desk": ["desk"],
    "desk-imports": ["desk_imports"],
    "stock": ["stock"],
}

# Operations (docs/operations.md).
#: /readyz fails once a queue's oldest ready job has waited longer than this (seconds).
READY_MAX_QUEUE_LAG = env_int("CROSSDOCK_READY_MAX_QUEUE_LAG", 600)
#: Bearer token for /metrics; unset, only loopback clients not behind a proxy may scrape.
METRICS_TOKEN = os.environ.get("CROSSDOCK_METRICS_TOKEN", "").strip()

# Sales channels (docs/configuration.md, "Sales channels").
#: Seconds the hub waits for a channel to send or answer a call (pulls, write-backs, stock
#: pushes) before the call fails and is retried later; connecting waits at most 5 seconds.
CHANNEL_TIMEOUT = env_int("CROSSDOCK_CHANNEL_TIMEOUT", 20)

# Fair use of the shipping desk (docs/security.md, "Fair use").
#: Stores one desk account may connect.
DESK_MAX_STORES = env_int("CROSSDOCK_DESK_MAX_STORES", 50)
#: Imports of one desk account that may run at once; the others wait their turn.
DESK_IMPORTS_PER_ACCOUNT = env_int("CROSSDOCK_DESK_IMPORTS_PER_ACCOUNT", 1)
#: Calls to stores that web threads of one process may make at once, in all and per account
#: (connection tests, API imports); past either, the desk answers 429 with Retry-After.
DESK_WEB_STORE_CALLS = env_int("CROSSDOCK_DESK_WEB_STORE_CALLS", 4)
DESK_WEB_STORE_CALLS_PER_ACCOUNT = env_int("CROSSDOCK_DESK_WEB_STORE_CALLS_PER_ACCOUNT", 2)

#: Every place that sets a password runs these (crossdock.platform.passwords).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "crossdock.platform.passwords.NotOnlySpacesValidator"},
    {"NAME": "crossdock.platform.passwords.NotTheEmailValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
#: The demo is not an app (it imports models at import time); its product pictures are here.
STATICFILES_DIRS = [Path(__file__).resolve().parent / "demo" / "static"]
if may_create():
    # WhiteNoise warns about a missing STATIC_ROOT; the data folder is made here too.
    ensure_data_dir()
    STATIC_ROOT.mkdir(exist_ok=True)
# WhiteNoise serves static files from the installed packages without a collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

EMAIL_BACKEND = os.environ.get(
    "CROSSDOCK_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("CROSSDOCK_FROM_EMAIL", "crossdock@localhost")
# SMTP, used with CROSSDOCK_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = os.environ.get("CROSSDOCK_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("CROSSDOCK_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("CROSSDOCK_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CROSSDOCK_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_flag("CROSSDOCK_EMAIL_TLS", default=True)
EMAIL_TIMEOUT = 30

SESSION_COOKIE_HTTPONLY = True
# The CSRF secret lives in the session, so the hub's and the desk's (separate) sessions
# each keep their own and a sign-in to one never breaks the other's open forms.
CSRF_USE_SESSIONS = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
#: Served over HTTPS (directly or behind a TLS proxy): secure cookies, HSTS, redirect to https.
HTTPS = env_flag("CROSSDOCK_HTTPS") or env_flag("CROSSDOCK_SECURE_COOKIES")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_flag("CROSSDOCK_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = int(os.environ.get("CROSSDOCK_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_flag("CROSSDOCK_BEHIND_PROXY"):
    # Only behind a proxy that sets (and overwrites) X-Forwarded-Proto itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

#: "plain" lines for people, or "json": one object per line for a log collector.
LOG_FORMAT = os.environ.get("CROSSDOCK_LOG_FORMAT", "plain").strip().lower() or "plain"
if LOG_FORMAT not in {"plain", "json"}:
    raise ValueError(f"CROSSDOCK_LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}")

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "crossdock.platform.logging.JsonFormatter"},
    },
    "filters": {
        "one_line": {"()": "crossdock.platform.logging.OneLineFilter"},
        "request_id": {"()": "crossdock.platform.logging.RequestIdFilter"},
        # Every line, whoever logs it, loses URL queries and credential-looking values.
        "redact": {"()": "crossdock.platform.logging.RedactFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact"],
        },
        "console_one_line": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["one_line", "request_id", "redact"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("CROSSDOCK_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request lines can carry SS-Password in the query; Crossdock logs its own lines.
        "django.request": {"level": "ERROR"},
        # A wrong Host header is a scanner or a misconfigured proxy: one line, no traceback.
        "django.security.DisallowedHost": {
            "handlers": ["console_one_line"],
            "level": "WARNING",
            "propagate": False,
        },
        "django_tasks_db": {"level": "WARNING"},
        # httpx logs each request URL; a desk export URL carries SS-Password in its query.
        "httpx": {"level": "WARNING"},
        # httpcore's debug lines hold request URLs and answer headers (a redirect's Location
        # echoes the query): never below WARNING, whatever CROSSDOCK_LOG_LEVEL says.
        "httpcore": {"level": "WARNING"},
    },
}
