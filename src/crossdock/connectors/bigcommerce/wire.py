"""Reading BigCommerce JSON safely: each value checked, each problem naming its field.

BigCommerce answers money as decimal strings with four places (``"12.5000"``), ids as
integers, dates in RFC 2822 (V2) and its V3 collections as ``{"data": [...], "meta": ...}``.
Every reader raises :class:`ValidationError` naming the field (and where it sits, e.g.
``products[1].``), never anything else; the common getters are :mod:`connectors.payload`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

from crossdock.connectors import payload
from crossdock.connectors.base import ValidationError

Document = Mapping[str, Any]
CENT = Decimal("0.01")
T = TypeVar("T")


def _named(where: str, read: Callable[[], T]) -> T:
    """``read()``, its error prefixed with where the value sits (``products[1].``)."""
    try:
        return read()
    except ValidationError as error:
        raise ValidationError(f"{where}{error}", status=error.status) from error


def text(document: Document, key: str, where: str = "") -> str:
    """A text value (:func:`payload.text`); missing or null is empty."""
    return _named(where, lambda: payload.text(document, key))


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
    """A money amount (string or JSON number) rounded to cents; missing or null is zero."""
    value = _named(where, lambda: payload.amount(document, key, numbers=True))
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


def objects(document: Document, key: str, where: str = "") -> Sequence[Document]:
    """A list of objects (:func:`payload.objects`); missing or null is empty."""
    return _named(where, lambda: payload.objects(document, key))


def collection(document: object, where: str) -> Sequence[Document]:
    """The ``data`` list of a V3 collection answer."""
    if not isinstance(document, Mapping):
        raise ValidationError(f"{where}: answer is not a JSON object")
    return objects(document, "data", f"{where}: ")


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
