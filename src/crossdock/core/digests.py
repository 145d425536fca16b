"""The digest of an order's payload: how a pull tells an unchanged order without reading it.

Every stored channel order keeps the digest of the payload it was last stored from
(``Order.payload_digest``); a pull digests what the channel sends and compares. Equal
digests mean the same content; a differing one only sends the order down the update path,
which compares field by field, so a digest that changes without the content changing costs
a write, never a lost change.

Two forms exist:

- **Form 2** (:func:`order_digest`, what is stored now): ``"2:"`` and SHA-256 (62 hex
  digits) of the ``repr`` of the payload's values in declaration order, nested
  dataclasses as lists of their own, a mapping as its sorted items. The values are read
  with one ``attrgetter`` per dataclass and written by the C ``repr`` of tuples, strings,
  decimals and datetimes: about a third of the cost of form 1 (profile of a new page: the
  digest 31% of storing it; of re-reading an unchanged page, 75%).
- **Form 1** (:func:`legacy_order_digest`, 64 hex digits, no prefix): SHA-256 of the JSON
  of ``dataclasses.asdict`` with sorted keys and ``str`` for the rest, the form of orders
  stored before form 2. :func:`digest_matches` compares a stored digest in its own form,
  so an order stored before the change still reads as unchanged; its reader then stores
  its form-2 digest (once).

A field added to one of the payload's dataclasses later goes into :data:`ADDED_LATER`
with its empty value: left out while it is empty, it keeps the digests of orders stored
before it existed (``tests/core/test_digests.py`` pins the fields each form covers).
"""

from __future__ import annotations

import hashlib
import json
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from operator import attrgetter
from typing import Any

from crossdock.core.dto import OrderData

#: The prefix of a form-2 digest (a form-1 digest is 64 hex digits and has none).
DIGEST_FORM = "2:"
#: Fields added to the payload's dataclasses after form 2, by class name: left out of the
#: form while they hold this empty value.
ADDED_LATER: dict[str, dict[str, Any]] = {}


@dataclass(frozen=True, slots=True)
class _Shape:
    """How to write one dataclass: its values at once, and which of them are nested."""

    values: Callable[[Any], Any]
    single: bool  # one field: ``attrgetter`` answers the value, not a 1-tuple
    #: (position, kind): "one" a dataclass or None, "many" a tuple of them, "map" a mapping.
    nested: tuple[tuple[int, str], ...]
    #: (position, empty value) of fields left out while empty, last first.
    dropped: tuple[tuple[int, Any], ...]


_SHAPES: dict[type, _Shape] = {}


def _kind(hint: Any) -> str | None:
    """How a field of this type is written: nested (see :class:`_Shape`) or as a value."""
    origin = typing.get_origin(hint)
    if is_dataclass(hint):
        return "one"
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return "one" if len(inner) == 1 and is_dataclass(inner[0]) else None
    if origin is tuple:
        args = typing.get_args(hint)
        return "many" if args and is_dataclass(args[0]) else None
    if origin is dict:
        return "map"
    return None


def _shape(kind: type) -> _Shape:
    shape = _SHAPES.get(kind)
    if shape is None:
        hints = typing.get_type_hints(kind)
        names = [f.name for f in fields(kind)]
        nested = []
        for position, name in enumerate(names):
            how = _kind(hints[name])
            if how is not None:
                nested.append((position, how))
        later = ADDED_LATER.get(kind.__name__, {})
        dropped = tuple(
            (position, later[name])
            for position, name in reversed(list(enumerate(names)))
            if name in later
        )
        shape = _SHAPES[kind] = _Shape(attrgetter(*names), len(names) == 1, tuple(nested), dropped)
    return shape


def _values(value: Any) -> Any:
    """A dataclass's values in declaration order, nested dataclasses as their own."""
    shape = _SHAPES.get(type(value)) or _shape(type(value))
    row = shape.values(value)
    if shape.single:
        row = (row,)
    if not shape.nested and not shape.dropped:
        return row
    row = list(row)
    for position, how in shape.nested:
        item = row[position]
        if item is None:
            continue
        if how == "many":
            row[position] = [_values(each) for each in item]
        elif how == "one":
            row[position] = _values(item)
        else:
            row[position] = sorted(item.items())
    for position, empty in shape.dropped:
        if row[position] == empty:
            del row[position]
    return row


def order_digest(data: OrderData) -> str:
    """The form-2 digest of ``data`` (what is stored with every new or changed order)."""
    canonical = repr(_values(data)).encode("utf-8")
    return DIGEST_FORM + hashlib.sha256(canonical).hexdigest()[:62]


def digest_matches(stored: str, data: OrderData, digest: str | None = None) -> bool:
    """Whether ``stored`` (a stored order's digest, in either form) is ``data``'s digest;
    ``digest`` is ``order_digest(data)`` when the caller has it already."""
    if stored.startswith(DIGEST_FORM):
        return stored == (digest or order_digest(data))
    return bool(stored) and stored == legacy_order_digest(data)


def is_current(digest: str) -> bool:
    """Whether a stored digest is of the current form (one of an older form is rewritten)."""
    return digest.startswith(DIGEST_FORM)


# Form 1, kept to compare orders stored before form 2.


def _as_json(value: Any) -> Any:
    """JSON's fallback for form 1: a dataclass as its fields, the rest as text.

    Form 1 was taken over ``dataclasses.asdict``'s output dumped with ``default=str``:
    this gives the same JSON (dataclasses as objects, tuples as arrays, decimals and
    datetimes as their text) with the C encoder walking the payload.
    """
    kind = type(value)
    names = _FIELD_NAMES.get(kind)
    if names is None:
        if kind in _LEAVES or not is_dataclass(value) or isinstance(value, type):
            _LEAVES.add(kind)
            return str(value)
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(value))
    return {name: getattr(value, name) for name in names}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
#: Types JSON cannot write that are no dataclass (decimals, datetimes): written as text.
_LEAVES: set[type] = set()
_CANONICAL = json.JSONEncoder(sort_keys=True, default=_as_json, ensure_ascii=False)

#: Order fields added after form 1 was first stored, with their empty values: left out of
#: form 1 while empty.
_ADDED_AFTER_FORM_1: dict[str, Any] = {"refunds": (), "cancelled_at": None, "cancel_reason": ""}


def legacy_order_digest(data: OrderData) -> str:
    """The form-1 digest of ``data``: SHA-256 of its sorted JSON (orders stored before form 2)."""
    plain = _as_json(data)
    for name, empty in _ADDED_AFTER_FORM_1.items():
        if plain.get(name) == empty:
            del plain[name]
    canonical = _CANONICAL.encode(plain)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
