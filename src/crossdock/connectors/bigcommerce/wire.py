"""Reading BigCommerce JSON safely: each value checked, each problem naming its field.

BigCommerce answers money as decimal strings with four places (``"12.5000"``), ids as
integers, dates in RFC 2822 (V2) and its V3 collections as ``{"data": [...], "meta": ...}``.
Every reader raises :class:`ValidationError` naming the field, never anything else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Any

from crossdock.connectors.base import ValidationError

Document = Mapping[str, Any]
CENT = Decimal("0.01")


def text(document: Document, key: str, where: str = "") -> str:
    """A text value (numbers are accepted and written out); missing or null is empty."""
    value = document.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValidationError(f"{where}{key} is not text")
    return str(value)


def integer(document: Document, key: str, where: str = "") -> int:
    """A whole number (BigCommerce sends some counts as ``3.0``); missing is an error."""
    value = document.get(key)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(f"{where}{key} is not a whole number: {value!r}")
    return value


def optional_integer(document: Document, key: str, where: str = "") -> int | None:
    return None if document.get(key) in (None, "") else integer(document, key, where)


def amount(document: Document, key: str, where: str = "") -> Decimal:
    """A money amount rounded to cents; missing is zero."""
    raw = document.get(key)
    if raw is None or raw == "":
        return Decimal("0.00")
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise ValidationError(f"{where}{key} is not an amount: {raw!r}")
    try:
        value = Decimal(str(raw))
    except InvalidOperation as error:
        raise ValidationError(f"{where}{key} is not an amount: {raw!r}") from error
    if not value.is_finite():
        raise ValidationError(f"{where}{key} is not a finite amount: {raw!r}")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def decimal(document: Document, key: str, where: str = "") -> Decimal | None:
    """A plain decimal number (weights), unrounded; missing or empty is ``None``."""
    raw = document.get(key)
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise ValidationError(f"{where}{key} is not a number: {raw!r}")
    try:
        value = Decimal(str(raw))
    except InvalidOperation as error:
        raise ValidationError(f"{where}{key} is not a number: {raw!r}") from error
    if not value.is_finite() or value < 0:
        raise ValidationError(f"{where}{key} is not a non-negative number: {raw!r}")
    return value


def objects(value: object, where: str) -> Sequence[Document]:
    """A JSON array of objects (``None`` is empty)."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise ValidationError(f"{where} is not a list of objects")
    return value


def collection(document: object, where: str) -> Sequence[Document]:
    """The ``data`` list of a V3 collection answer."""
    if not isinstance(document, Mapping):
        raise ValidationError(f"{where}: answer is not a JSON object")
    return objects(document.get("data"), f"{where}: data")


def total_pages(document: object) -> int:
    """``meta.pagination.total_pages`` of a V3 collection (1 when absent)."""
    if not isinstance(document, Mapping):
        return 1
    meta = document.get("meta")
    pagination = meta.get("pagination") if isinstance(meta, Mapping) else None
    pages = pagination.get("total_pages") if isinstance(pagination, Mapping) else None
    return pages if isinstance(pages, int) and not isinstance(pages, bool) and pages > 0 else 1


def parse_date(raw: object, key: str) -> datetime:
    """An RFC 2822 date (``Wed, 10 Jan 2018 21:05:30 +0000``) or ISO 8601, as aware UTC."""
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationError(f"{key} is missing")
    try:
        value = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        try:
            value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError as error:
            raise ValidationError(f"{key} is not a date: {raw!r}") from error
    if value.tzinfo is None:
        raise ValidationError(f"{key} has no UTC offset: {raw!r}")
    try:
        return value.astimezone(UTC)
    except OverflowError as error:
        raise ValidationError(f"{key} is out of range: {raw!r}") from error


def format_date(value: datetime) -> str:
    """An aware time as the ISO 8601 a V2 filter takes, floored to the second.

    BigCommerce keeps modification times to the second; flooring never skips an order
    changed in the same second as ``value``.
    """
    return value.astimezone(UTC).replace(microsecond=0).isoformat()
