"""Field replacements in a store's e-mail templates: ``[Order #]``, ``[Buyer Name]`` …

Pure. Tokens are typed exactly (case and spaces), as in ShipStation's templates. Saving a
template with a token the desk does not know is refused, naming the token.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

TOKENS = (
    "Order #",
    "Order Date",
    "Ship Date",
    "Buyer Name",
    "Store Company Name",
    "Carrier",
    "Service",
    "Tracking #",
    "Tracking URL",
    "Notes to Buyer",
)
_TOKEN = re.compile(r"\[([^\[\]\n]{1,40})\]")


def unknown_tokens(template: str) -> list[str]:
    """Every ``[...]`` in ``template`` that is not a known token, in order, once each."""
    found: list[str] = []
    for match in _TOKEN.finditer(template):
        name = match.group(1)
        if name not in TOKENS and name not in found:
            found.append(name)
    return found


def render_tokens(template: str, values: Mapping[str, str]) -> str:
    """Replace known tokens with ``values`` (missing ones become empty); others stay."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in TOKENS:
            return values.get(name, "")
        return match.group(0)

    return _TOKEN.sub(replace, template)
