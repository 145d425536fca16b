"""Django settings for Crossdock, driven by environment variables (see docs/configuration.md)."""

from __future__ import annotations

import os
from typing import Any

import dj_database_url
import django_stubs_ext

from crossdock.config import data_dir, env_flag, env_int, env_list, persistent_secret

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
#: The public base URL (scheme, host, port) used in generated endpoint URLs.
PUBLIC_URL = os.environ.get("CROSSDOCK_PUBLIC_URL", "").rstrip("/")

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
    "crossdock.hub.accounts",
    "crossdock.hub.channels",
    "crossdock.hub.orders",
    "crossdock.hub.fulfillment",
    "crossdock.hub.shipstation",
    "crossdock.sandbox",
    "crossdock.web",
    "crossdock.desk",
    "crossdock.desk.accounts",
    "crossdock.desk.stores",
    "crossdock.desk.orders",
    "crossdock.desk.shipments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "crossdock.urls"
WSGI_APPLICATION = "crossdock.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'crossdock.sqlite3'}")
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # WAL lets readers run beside the writer; IMMEDIATE takes the write lock up front so
        # two writers queue on the busy timeout instead of failing a lock upgrade.
        config["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "sync", "writeback", "desk", "desk_imports"],
    }
}
#: Each lane is a worker thread claiming only from its queues, so a slow job in one lane
#: (a desk import from a slow store, a channel pull) never delays the others' work.
WORKER_LANES: dict[str, list[str]] = {
    "writeback": ["writeback", "default"],
    "sync": ["sync"],
    "desk": ["desk"],
    "desk-imports": ["desk_imports"],
}

# Fair use of the shipping desk (docs/security-fair-use.md).
#: Stores one desk account may connect.
DESK_MAX_STORES = env_int("CROSSDOCK_DESK_MAX_STORES", 50)
#: Imports of one desk account that may run at once; the others wait their turn.
DESK_IMPORTS_PER_ACCOUNT = env_int("CROSSDOCK_DESK_IMPORTS_PER_ACCOUNT", 1)
#: Calls to stores that web threads of one process may make at once, in all and per account
#: (connection tests, API imports); past either, the desk answers 429 with Retry-After.
DESK_WEB_STORE_CALLS = env_int("CROSSDOCK_DESK_WEB_STORE_CALLS", 4)
DESK_WEB_STORE_CALLS_PER_ACCOUNT = env_int("CROSSDOCK_DESK_WEB_STORE_CALLS_PER_ACCOUNT", 2)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
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

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_flag("CROSSDOCK_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CROSSDOCK_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request lines can carry SS-Password in the query; Crossdock logs its own lines.
        "django.request": {"level": "ERROR"},
        "django_tasks_db": {"level": "WARNING"},
        # httpx logs each request URL; a desk export URL carries SS-Password in its query.
        "httpx": {"level": "WARNING"},
    },
}
