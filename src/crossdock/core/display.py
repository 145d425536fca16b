"""How values read to people, the same in the hub and the desk: dates, counts, empty values.

Both products wrap these in their own template filters (the desk may not import the hub's
``web`` package), so a date reads "29 Nov 2026, 16:59 UTC" and an empty value "—" on
every page of either. Pure functions: no Django, no locale (month names are fixed English).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from html import escape

from crossdock.core.carriers import carrier_name, tracking_url
from crossdock.core.countries import country_name

#: What an empty value reads as, everywhere.
EMPTY = "—"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_date(value: date | None, empty: str = EMPTY) -> str:
    """``29 Nov 2026``; a datetime is read in UTC; ``None`` is ``empty``."""
    if value is None:
        return empty
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def format_datetime(
    value: datetime | None, empty: str = EMPTY, *, zone: tzinfo = UTC, seconds: bool = False
) -> str:
    """``29 Nov 2026, 16:59 UTC`` in ``zone``, named; ``None`` is ``empty``.

    Crossdock stores aware UTC datetimes; a naive one is taken as UTC rather than guessed.
    """
    if value is None:
        return empty
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(zone)
    clock = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    return f"{format_date(local.date())}, {clock} {local.tzname() or 'UTC'}"


def plural(count: int, singular: str, plural_form: str = "") -> str:
    """``1 order``, ``3 orders``, ``1,204 units``: the count with the right noun."""
    noun = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {noun}"


#: Payment method codes channels send, in words; anything else is shown as words too.
PAYMENT_METHOD_NAMES: dict[str, str] = {
    "card": "Card",
    "credit_card": "Credit card",
    "debit_card": "Debit card",
    "paypal": "PayPal",
    "klarna": "Klarna",
    "afterpay": "Afterpay",
    "bank_transfer": "Bank transfer",
    "apple_pay": "Apple Pay",
    "google_pay": "Google Pay",
    "amazon_pay": "Amazon Pay",
    "shop_pay": "Shop Pay",
    "cash_on_delivery": "Cash on delivery",
    "cod": "Cash on delivery",
    "gift_card": "Gift card",
    "invoice": "Invoice",
    "manual": "Manual",
}

_SEPARATORS = re.compile(r"[_\-]+")


def payment_method_name(code: str) -> str:
    """``bank_transfer`` → ``Bank transfer``; a name already in words is kept as given."""
    text = code.strip()
    known = PAYMENT_METHOD_NAMES.get(_SEPARATORS.sub("_", text.casefold()))
    if known:
        return known
    if text != text.lower() or " " in text:
        return text  # already written for people ("Credit card", "iDEAL")
    words = _SEPARATORS.sub(" ", text).strip()
    return words[:1].upper() + words[1:]


def tracking_html(carrier_code: str, tracking_number: str) -> str:
    """HTML for a tracking number: a link to the carrier's page, else the number as text.

    Everything is escaped here, so the products' filters may mark the result safe; no
    number is ``EMPTY``.
    """
    number = tracking_number.strip()
    if not number:
        return EMPTY
    url = tracking_url(carrier_code, number)
    if not url:
        return escape(number)
    return f'<a href="{escape(url)}" rel="noopener noreferrer">{escape(number)}</a>'


def format_amount(value: Decimal | None, currency: str = "") -> str:
    """``1,234.50 EUR``: two places, thousands separated; an absent amount is ``EMPTY``."""
    if value is None:
        return EMPTY
    amount = f"{Decimal(value).quantize(Decimal('0.01')):,}"
    return f"{amount} {currency}".strip()


def format_datetime_precise(value: datetime | None, empty: str = EMPTY) -> str:
    """``29 Nov 2026, 16:59:07 UTC``: for runs seconds apart."""
    return format_datetime(value, empty, seconds=True)


def carrier_text(code: str | None) -> str:
    """``RoyalMail`` → ``Royal Mail``; an unknown carrier as reported; none: ``EMPTY``."""
    return carrier_name(code or "") or EMPTY


def country_text(code: str | None) -> str:
    """``IE`` → ``Ireland``; an unknown code as stored."""
    return country_name(code or "")


def payment_method_text(code: str | None) -> str:
    """``bank_transfer`` → ``Bank transfer``; none: ``EMPTY``."""
    return payment_method_name(code or "") or EMPTY


#: Template filters both products register under these names (text in, text out), so a
#: value reads the same in the hub and the desk. ``empty`` is the filter argument.
SHARED_FILTERS: dict[str, Callable[..., str]] = {
    "money": format_amount,
    "when": format_datetime,
    "when_precise": format_datetime_precise,
    "day": format_date,
    "carrier": carrier_text,
    "country": country_text,
    "payment_method": payment_method_text,
}
