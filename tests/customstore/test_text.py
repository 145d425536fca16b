"""Text on the wire: entity decoding, forbidden characters, line breaks, cutting, CDATA."""

from __future__ import annotations

import pytest
from lxml import etree

from crossdock.customstore.text import (
    cdata,
    clean_text,
    cut,
    decode_entities,
    escape_attribute,
    escape_text,
    strip_forbidden,
)


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("caf&eacute; &#233; &#xE9;", "café é é"),
        ("AT&T", "AT&T"),
        ("Smith &ltd", "Smith &ltd"),
        ("&amp;lt;", "&lt;"),
        ("&nosuchentity;", "&nosuchentity;"),
    ],
)
def test_only_complete_references_are_decoded_once(stored: str, expected: str) -> None:
    assert decode_entities(stored) == expected


def test_forbidden_code_points_are_dropped_and_allowed_ones_kept() -> None:
    text = "a\x00b\x08c\x0bd\x1fe\ufffef\uffff\ud800g\tx\ny\rz🎉"

    assert strip_forbidden(text) == "abcdefg\tx\ny\rz🎉"


def test_clean_text_decodes_normalises_strips_then_cuts() -> None:
    assert clean_text("one\r\ntwo\rthree &#1;&amp; four", 16) == "one\ntwo\nthree & "
    assert clean_text("x" * 10, None) == "x" * 10
    assert cut("🎉🎉🎉", 2) == "🎉🎉"


def test_cdata_splits_a_literal_end_marker_and_parses_back() -> None:
    text = "a]]>b]]>]]>c"

    element = etree.fromstring(f"<x>{cdata(text)}</x>".encode())

    assert cdata(text).count("<![CDATA[") == 4
    assert element.text == text


def test_escaped_text_and_attributes_parse_back() -> None:
    text = 'a & <b> "c"\r\n\td'

    element = etree.fromstring(f'<x y="{escape_attribute(text)}">{escape_text(text)}</x>'.encode())

    assert element.text == text
    assert element.get("y") == text
