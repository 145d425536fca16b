"""Validation of store settings and connection input, shared by the API, the UI and the CLI.

Pure (no database): each function returns the cleaned values or raises
:class:`~crossdock.desk.stores.errors.StoreInvalid` with one message per bad field, so a
form can show each message next to its field and nothing is half-saved.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime, time
from urllib.parse import urlsplit

import httpx

from crossdock.core.text import NOT_TEXT, is_storable_text
from crossdock.desk.stores.errors import StoreInvalid
from crossdock.desk.stores.mapping import FIELD_NAMES, MappingError, StatusMapping
from crossdock.desk.stores.notify import MAX_DELAY_HOURS, NotifyStore, is_time_zone
from crossdock.desk.stores.tokens import unknown_tokens

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

KINDS = ("crossdock", "custom")
_PASSWORD = "password"  # noqa: S105 - the name of a form field, not a secret
NOTIFY_STORE = tuple(mode.value for mode in NotifyStore)
WEIGHT_SOURCES = ("store", "desk")
SLIP_SORTS = ("location", "sku", "name")
#: How credentials are sent: HTTP Basic alone, or also the ``SS-*`` query pair.
AUTH_MODES = ("basic", "query")


def check_url(value: str) -> str:
    """An absolute http(s) URL; raises ``ValueError`` with the message to show."""
    url = value.strip()
    if not url:
        raise ValueError("enter the store's URL")
    if len(url) > 500:
        raise ValueError("at most 500 characters")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("enter a full http:// or https:// URL")
    if parts.username or parts.password:
        raise ValueError("put the username and password in their own fields, not in the URL")
    if not _host_is_valid(url):
        raise ValueError("the host name in this URL is not valid")
    return url


def _host_is_valid(url: str) -> bool:
    """Whether the URL's host is one the HTTP client can look up.

    An IP address, or DNS labels of 1 to 63 characters whose international (``xn--``) form
    decodes: ``http://xn--/`` and ``http://a..b/`` would otherwise fail inside the client.
    """
    try:
        parsed = httpx.URL(url)
        host = parsed.raw_host.decode("ascii")
        parsed.host  # noqa: B018 - decoding the punycode form is the check
    except (httpx.InvalidURL, UnicodeError):
        return False
    if not host:
        return False
    if ":" in host:  # an IPv6 literal, which httpx has already parsed
        return True
    labels = host.removesuffix(".").split(".")
    return len(host) <= 253 and all(0 < len(label) <= 63 for label in labels)


def _text(limit: int, required: bool = False) -> Callable[[object], object]:
    def check(value: object) -> object:
        if not isinstance(value, str):
            raise ValueError("must be text")
        text = value.strip()
        if required and not text:
            raise ValueError("this field is required")
        if len(text) > limit:
            raise ValueError(f"at most {limit} characters")
        return text

    return check


def _optional_url(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError("must be text")
    return check_url(value) if value.strip() else ""


def _colour(value: object) -> object:
    if not isinstance(value, str) or not _COLOUR.match(value.strip()):
        raise ValueError("a colour like #12314f")
    return value.strip().lower()


def _email(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError("must be text")
    text = value.strip()
    if text and (len(text) > 254 or not _EMAIL.match(text)):
        raise ValueError("enter an e-mail address")
    return text


def _sender_name(value: object) -> object:
    """A display name for the From header: one line, no address brackets or quotes."""
    text = _text(100)(value)
    if any(char in str(text) for char in '<>"@') or not str(text).isprintable():
        raise ValueError("a plain name: no line breaks, @, quotes or angle brackets")
    return text


def _flag(value: object) -> object:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _choice(choices: tuple[str, ...]) -> Callable[[object], object]:
    def check(value: object) -> object:
        if value not in choices:
            raise ValueError(f"one of {', '.join(choices)}")
        return value

    return check


def _whole(low: int, high: int) -> Callable[[object], object]:
    def check(value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("a whole number")
        if not low <= value <= high:
            raise ValueError(f"between {low} and {high}")
        return value

    return check


def _time_of_day(value: object) -> object:
    """A ``time`` (from a form) or ``"HH:MM"`` text (from the API), to the minute."""
    if isinstance(value, str):
        try:
            value = datetime.strptime(value.strip(), "%H:%M").time()
        except ValueError as error:
            raise ValueError("a time of day like 17:00") from error
    if not isinstance(value, time):
        raise ValueError("a time of day like 17:00")
    return value.replace(second=0, microsecond=0, tzinfo=None)


def _time_zone(value: object) -> object:
    if not isinstance(value, str) or not is_time_zone(value.strip()):
        raise ValueError("a time zone name like Europe/London or America/New_York")
    return value.strip()


def _template(limit: int) -> Callable[[object], object]:
    base = _text(limit, required=True)

    def check(value: object) -> object:
        text = base(value)
        unknown = unknown_tokens(str(text))
        if unknown:
            names = ", ".join(f"[{name}]" for name in unknown)
            raise ValueError(f"unknown field replacement {names}")
        return text

    return check


#: Every setting of a store's settings page, with its check.
SETTINGS: dict[str, Callable[[object], object]] = {
    "name": _text(100, required=True),
    "is_active": _flag,
    "time_zone": _time_zone,
    "company_name": _text(100),
    "logo_url": _optional_url,
    "brand_colour": _colour,
    "accent_colour": _colour,
    "phone": _text(50),
    "public_email": _email,
    "website": _optional_url,
    "ship_from_address": _text(500),
    "return_address": _text(500),
    "footer_text": _text(1000),
    "slip_sort": _choice(SLIP_SORTS),
    "slip_show_prices": _flag,
    "slip_show_skus": _flag,
    "email_buyer": _flag,
    "email_subject": _template(200),
    "email_body": _template(5000),
    "email_from_name": _sender_name,
    "email_from_address": _email,
    "email_bcc": _email,
    "notify_store": _choice(NOTIFY_STORE),
    "notify_store_hours": _whole(1, MAX_DELAY_HOURS),
    "notify_store_time": _time_of_day,
    "create_products": _flag,
    "weight_source": _choice(WEIGHT_SOURCES),
    "locations_from_store": _flag,
    "auto_import": _flag,
    "import_interval_minutes": _whole(1, 1440),
    "first_import_days": _whole(1, 365),
}


#: What "copy settings from another store" copies: every setting but the name, with the
#: status mapping; the URL, credentials and import marks are not settings, so never copied.
COPIED_SETTINGS: tuple[str, ...] = (
    *(field for field in SETTINGS if field != "name"),
    *(f"status_{name}" for name in FIELD_NAMES),
)


def clean_settings(changes: Mapping[str, object]) -> dict[str, object]:
    """Check every given setting; the status mapping comes as ``status_mapping`` (five texts).

    Returns model field values (the mapping as ``status_<field>`` texts).
    """
    errors: dict[str, str] = {}
    cleaned: dict[str, object] = {}
    for field, value in changes.items():
        if field == "status_mapping":
            continue
        check = SETTINGS.get(field)
        if check is None:
            errors[field] = "not a store setting"
            continue
        if isinstance(value, str) and not is_storable_text(value):
            errors[field] = NOT_TEXT
            continue
        try:
            cleaned[field] = check(value)
        except ValueError as error:
            errors[field] = str(error)
    mapping = changes.get("status_mapping")
    if mapping is not None:
        try:
            cleaned.update(clean_mapping(mapping))
        except StoreInvalid as error:
            errors.update(error.errors)
    if errors:
        raise StoreInvalid(errors)
    return cleaned


def clean_mapping(mapping: object) -> dict[str, str]:
    """The five mapping texts as ``status_<field>`` values, normalised (``"a, b"``)."""
    if not isinstance(mapping, Mapping) or not all(
        isinstance(mapping.get(name, ""), str) for name in FIELD_NAMES
    ):
        raise StoreInvalid({"status_mapping": "five comma-separated texts"})
    unknown = [key for key in mapping if key not in FIELD_NAMES]
    if unknown:
        raise StoreInvalid({"status_mapping": f"unknown field {unknown[0]!r}"})
    unstorable = {
        f"status_mapping.{name}": NOT_TEXT
        for name in FIELD_NAMES
        if not is_storable_text(str(mapping.get(name, "")))
    }
    if unstorable:
        raise StoreInvalid(unstorable)
    try:
        parsed = StatusMapping.parse({name: str(mapping.get(name, "")) for name in FIELD_NAMES})
    except MappingError as error:
        raise StoreInvalid({f"status_mapping.{error.field}": error.message}) from error
    return {f"status_{name}": text for name, text in parsed.as_text().items()}


def endpoint_key(url: str, username: str) -> tuple[str, str]:
    """What two stores share when they import the same orders: endpoint URL and username.

    Scheme and host case, a default port, a trailing slash and the order of query
    parameters do not make another endpoint.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, default) else f"{host}:{port}"
    query = "&".join(sorted(part for part in parts.query.split("&") if part))
    return f"{netloc}{parts.path.rstrip('/')}?{query}", username.strip()


def clean_connection(
    kind: str, name: str, url: str, username: str, password: str, auth_mode: str = "basic"
) -> dict[str, str]:
    """Check the connect form; the password is required (it is never shown again)."""
    errors: dict[str, str] = {
        field: NOT_TEXT
        for field, value in (("name", name), ("url", url), ("username", username))
        if not is_storable_text(value)
    }
    if not is_storable_text(password):
        errors[_PASSWORD] = NOT_TEXT
    if errors:
        raise StoreInvalid(errors)
    cleaned: dict[str, str] = {}
    if auth_mode not in AUTH_MODES:
        errors["auth_mode"] = f"one of {', '.join(AUTH_MODES)}"
    else:
        cleaned["auth_mode"] = auth_mode
    if kind not in KINDS:
        errors["kind"] = f"one of {', '.join(KINDS)}"
    else:
        cleaned["kind"] = kind
    for field, value, limit in (("name", name, 100), ("username", username, 200)):
        text = value.strip()
        if not text:
            errors[field] = "this field is required"
        elif len(text) > limit:
            errors[field] = f"at most {limit} characters"
        else:
            cleaned[field] = text
    try:
        cleaned["url"] = check_url(url)
    except ValueError as error:
        errors["url"] = str(error)
    if not password:
        errors[_PASSWORD] = "enter the password the store generated"
    elif len(password) > 500:
        errors[_PASSWORD] = "at most 500 characters"
    else:
        cleaned["password"] = password
    if errors:
        raise StoreInvalid(errors)
    return cleaned
