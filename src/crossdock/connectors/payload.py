"""Reading a channel's JSON defensively: the typed getters every connector's mapping shares.

Each raises :class:`ValidationError` naming the key when a value has the wrong shape, so a
connector's mapping reports exactly what a channel sent wrong. Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from crossdock.connectors.base import ValidationError
from crossdock.core.countries import country_problem


def text(document: Mapping[str, Any], key: str) -> str:
    """A text (or integer id) value as text; missing or null is ``""``."""
    value = document.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValidationError(f"{key} is not text")
    return str(value)


def obj(document: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """An object value; missing or null is ``{}``."""
    value = document.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError(f"{key} is not an object")
    return value


def objects(document: Mapping[str, Any], key: str) -> Sequence[Mapping[str, Any]]:
    """A list of objects; missing or null is ``()``."""
    value = document.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise ValidationError(f"{key} is not a list of objects")
    return value


def amount(
    document: Mapping[str, Any], key: str, default: str = "0", *, numbers: bool = False
) -> Decimal:
    """A finite decimal from a decimal string (or an integer); ``numbers`` allows JSON
    floats too, read through their shortest text (``9.5`` is ``Decimal("9.5")``), and null
    or ``""`` as ``default``; a missing key is ``default``."""
    raw = document.get(key, default)
    if numbers and raw in (None, ""):
        raw = default
    allowed = (str, int, float) if numbers else (str, int)
    if isinstance(raw, bool) or not isinstance(raw, allowed):
        raise ValidationError(f"{key} must be a decimal string, got {raw!r}")
    try:
        value = Decimal(str(raw))
    except InvalidOperation as error:
        raise ValidationError(f"{key} is not a decimal amount: {raw!r}") from error
    if not value.is_finite():
        raise ValidationError(f"{key} is not a finite amount: {raw!r}")
    return value


def country(document: Mapping[str, Any], key: str, where: str) -> str:
    """An ISO 3166 country code (upper-cased; blank allowed), ``where`` naming the object."""
    code = text(document, key)
    problem = country_problem(code)
    if problem:
        raise ValidationError(f"{where}.{key}: {problem}")
    return code.upper()
