"""Text for the Custom Store wire: what any stored string must go through before it is written.

Source data holds anything: ``&``, ``<``, a literal ``]]>``, emoji, control characters, HTML
entities a shop stored instead of characters, line breaks of every platform. XML 1.0 forbids
some code points outright and a parser folds ``\\r\\n`` and ``\\r`` into ``\\n``, so
:func:`clean_text` decodes stored entities, normalises line breaks, drops the forbidden code
points and cuts to the schema's maximum length (in characters, as XSD counts). What comes
out is written either entity-escaped (:func:`escape_text`) or in CDATA (:func:`cdata`);
both parse back to the same characters.
"""

from __future__ import annotations

import html
import re

#: Everything outside XML 1.0's ``Char`` production (lone surrogates included).
_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

#: Only complete references (with the semicolon): ``AT&T`` or ``&ltd`` stay as written.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")

_LINE_BREAK = re.compile(r"\r\n?")


def strip_forbidden(value: str) -> str:
    """``value`` without the code points XML 1.0 cannot carry (C0 controls, surrogates, …)."""
    return _FORBIDDEN.sub("", value)


def decode_entities(value: str) -> str:
    """Decode HTML character references stored in source data (``&amp;`` → ``&``).

    Only complete references are decoded, once: a bare ``&`` is text, and decoding twice
    would turn a stored ``&amp;lt;`` (meant as the text ``&lt;``) into ``<``.
    """
    if "&" not in value:
        return value
    return _ENTITY.sub(lambda match: html.unescape(match.group(0)), value)


def cut(value: str, max_length: int) -> str:
    """``value`` cut to ``max_length`` characters (code points)."""
    return value if len(value) <= max_length else value[:max_length]


def clean_text(value: str, max_length: int | None = None) -> str:
    """What a stored string becomes on the wire: decoded, normalised, XML-safe, cut to size.

    Line breaks become ``\\n`` (a parser would fold them anyway, so only this form
    survives a round trip). Cutting comes last so the result is never over the limit.
    Most stored text is printable with no ``&``: nothing to decode, normalise or drop
    (no control character, surrogate or non-character is printable), so it is only cut.
    """
    if value.isprintable() and "&" not in value:
        if max_length is None or len(value) <= max_length:
            return value
        return value[:max_length]
    text = decode_entities(value)
    if "\r" in text:
        text = _LINE_BREAK.sub("\n", text)
    text = strip_forbidden(text)
    return text if max_length is None else cut(text, max_length)


def escape_text(value: str) -> str:
    """Escape ``value`` for element content (``&``, ``<``, ``>``; ``\\r`` as a reference)."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    return value


def escape_attribute(value: str) -> str:
    """Escape ``value`` for a double-quoted attribute."""
    return escape_text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def cdata(value: str) -> str:
    """``value`` as one or more CDATA sections; a literal ``]]>`` is split across two.

    The caller passes cleaned text: CDATA cannot carry forbidden code points, and a parser
    folds ``\\r`` in it, which :func:`clean_text` has already done.
    """
    if "]]>" in value:
        value = value.replace("]]>", "]]]]><![CDATA[>")
    return f"<![CDATA[{value}]]>"
