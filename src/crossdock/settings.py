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
    env_list,
    may_create,
    persistent_secret,
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
        "QUEUES": ["default", "sync", "writeback", "desk"],
    }
}

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
        # httpcore's debug lines hold request URLs and answer headers (a redirect's Location
        # echoes the query): never below WARNING, whatever CROSSDOCK_LOG_LEVEL says.
        "httpcore": {"level": "WARNING"},
    },
}
