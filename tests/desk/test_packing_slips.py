"""Packing slips print every script and emoji, wrap long text in fixed columns, and keep
each field apart so right-to-left text cannot reorder its neighbours."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.test import Client
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph, Table

from crossdock.desk.orders.models import DeskOrder, DeskOrderLine
from crossdock.desk.shipments.slip_fonts import (
    CHAIN,
    FontFile,
    SlipFontsMissing,
    display_order,
    font_runs,
    slip_fonts,
)
from crossdock.desk.shipments.slips import CONTENT_WIDTH, render_slip_pdf, slip_story
from tests.fixtures.desk import desk_client

SAMPLES = {
    "Latin": ("Café crème", "SlipSans"),
    "Greek": ("Ωμέγα", "SlipSans"),
    "Cyrillic": ("Привет", "SlipSans"),
    "Chinese": ("中文", "SlipCJK"),
    "Japanese": ("日本語", "SlipCJK"),
    "Korean": ("한국어", "SlipCJK"),
    "Arabic": ("مرحبا", "SlipSans"),
    "Hebrew": ("שלום", "SlipSans"),
    "emoji": ("📦", "SlipSymbols"),
}
LONG_NAME = "Extraordinarily" * 13 + "Long"  # 199 characters, no space to break at


@pytest.fixture(autouse=True)
def _fonts_installed() -> None:
    missing = [f"{font.path} ({font.package})" for font in CHAIN if not font.path.is_file()]
    assert not missing, f"install the slip's fonts (.ci/run does): {', '.join(missing)}"


@pytest.fixture
def browser(imported: DeskOrder) -> Client:
    return desk_client("packer@parcelpals.test", "packing-pass-1")


def _tee(order: DeskOrder) -> DeskOrderLine:
    return order.lines.get(sku="TEE-M")


def _item_cell(order: DeskOrder, sku: str) -> list[Paragraph]:
    (table,) = [part for part in slip_story(order) if isinstance(part, Table)]
    header = [cell.getPlainText() for cell in table._cellvalues[0]]
    row = next(
        row for row in table._cellvalues[1:] if row[header.index("SKU")].getPlainText() == sku
    )
    cell: list[Paragraph] = row[header.index("Item")]
    return cell


def test_every_script_and_emoji_is_drawn_with_a_font_that_has_its_glyphs(
    imported: DeskOrder,
) -> None:
    # given an item named in many scripts, with an emoji
    name = " ".join(text for text, _ in SAMPLES.values())
    DeskOrderLine.objects.filter(pk=_tee(imported).pk).update(name=name)
    order = DeskOrder.objects.select_related("store").get(pk=imported.pk)

    # when the PDF slip is laid out
    (title, *options) = _item_cell(order, "TEE-M")

    # then each run of the name is in a font with a glyph for each of its characters
    for frag in title.frags:
        face = pdfmetrics.getFont(frag.fontName).face
        assert [char for char in frag.text if ord(char) not in face.charToGlyph] == []
    fonts = {char: frag.fontName for frag in title.frags for char in frag.text}
    for script, (text, font) in SAMPLES.items():
        assert {fonts[char] for char in display_order(text)} == {font}, script
    assert [option.getPlainText() for option in options] == ["Size: M", "Colour: Forest green"]

    # and the PDF embeds those fonts and reads back as the text
    page = PdfReader(io.BytesIO(render_slip_pdf(order))).pages[0]
    resources = page["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)
    fonts_used = resources["/Font"].get_object()
    assert isinstance(fonts_used, DictionaryObject)
    embedded = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1] for font in fonts_used.values()
    }
    assert {"DejaVuSans", "DejaVuSans-Bold", "Symbola"} <= embedded
    assert any(font.startswith("WenQuanYiZenHei") for font in embedded)
    text = page.extract_text()
    for script in ("Latin", "Greek", "Cyrillic", "Chinese", "Japanese", "Korean"):
        assert SAMPLES[script][0] in text, script


def test_a_line_splits_into_runs_only_where_the_script_changes() -> None:
    fonts = slip_fonts()

    runs = font_runs("Box 📦 ready ❤️ 中文 e\u0301", fonts)

    assert runs == [
        ("SlipSans", "Box "),
        ("SlipSymbols", "📦 "),
        ("SlipSans", "ready ❤️ "),
        ("SlipCJK", "中文 "),
        ("SlipSans", "e\u0301"),
    ]


def test_a_format_character_no_font_draws_is_left_out_instead_of_a_box() -> None:
    fonts = slip_fonts()

    # U+2067 (right-to-left isolate) has no glyph in the chain's fonts
    assert font_runs("a\u2067b\u2069 中\u2067", fonts) == [("SlipSans", "ab "), ("SlipCJK", "中")]


def test_without_the_required_font_the_slip_names_the_package_to_install() -> None:
    missing = (FontFile("NoSans", Path("/nonexistent/DejaVuSans.ttf"), "fonts-dejavu-core", True),)

    with pytest.raises(SlipFontsMissing) as raised:
        slip_fonts(missing)

    assert str(raised.value) == (
        "The PDF packing slip needs /nonexistent/DejaVuSans.ttf from Debian's fonts-dejavu-core "
        "package: install it with `apt-get install fonts-dejavu-core`."
    )


def test_long_text_wraps_inside_fixed_columns_of_the_pdf(imported: DeskOrder) -> None:
    # given a 199-character name, and a SKU and location too long for their columns
    line = _tee(imported)
    DeskOrderLine.objects.filter(pk=line.pk).update(
        name=LONG_NAME, sku="SKU-" + "9" * 40, location="AISLE-" + "7" * 40
    )
    order = DeskOrder.objects.select_related("store").get(pk=imported.pk)

    # when the slip is laid out
    (table,) = [part for part in slip_story(order) if isinstance(part, Table)]
    width, _ = table.wrap(CONTENT_WIDTH, 10_000)

    # then the table keeps to the page, every column its fixed width, every cell wrapping
    assert width == pytest.approx(CONTENT_WIDTH)
    assert table._colWidths == [78.0, 96.0, pytest.approx(CONTENT_WIDTH - 214.0), 40.0]
    kinds = {
        type(part).__name__
        for row in table._cellvalues
        for cell in row
        for part in (cell if isinstance(cell, list | tuple) else [cell])
    }
    assert kinds == {"Paragraph"}
    # and the whole name prints, line by line
    text = PdfReader(io.BytesIO(render_slip_pdf(order))).pages[0].extract_text()
    assert LONG_NAME in text.replace("\n", "")


def test_each_field_of_a_pdf_item_is_its_own_paragraph_in_display_order(
    imported: DeskOrder,
) -> None:
    # given a right-to-left name with a Latin word, next to Latin options
    DeskOrderLine.objects.filter(pk=_tee(imported).pk).update(name="שלום evil")
    order = DeskOrder.objects.select_related("store").get(pk=imported.pk)

    cell = _item_cell(order, "TEE-M")

    # then the name is drawn right to left as a whole ("evil" stays "evil"), and the options,
    # each its own paragraph, are untouched by it
    assert [part.getPlainText() for part in cell] == [
        "evil םולש",
        "Size: M",
        "Colour: Forest green",
    ]


@pytest.mark.parametrize(
    ("logical", "drawn"),
    [
        ("Organic tee", "Organic tee"),
        ("שלום evil", "evil םולש"),
        ("מוצר (גדול) 3", "3 (לודג) רצומ"),  # brackets mirror
        ("Tee – مرحبا بك", "Tee – ﻚﺑ ﺎﺒﺣﺮﻣ"),  # Arabic letters joined, then reordered
    ],
)
def test_a_line_is_put_in_display_order_for_drawing(logical: str, drawn: str) -> None:
    assert display_order(logical) == drawn


def test_the_html_slip_wraps_long_text_and_isolates_each_field(
    browser: Client, imported: DeskOrder
) -> None:
    # given a long name and a right-to-left option value
    line = _tee(imported)
    DeskOrderLine.objects.filter(pk=line.pk).update(
        name=LONG_NAME, options=[{"name": "Size", "value": "גדול"}]
    )

    html = browser.get(f"/desk/orders/{imported.pk}/packing-slip/").content.decode()

    assert f'<bdi class="item-name">{LONG_NAME}</bdi>' in html
    assert '<bdi class="sku">TEE-M</bdi>' in html
    assert "<bdi>Size</bdi>: <bdi>גדול</bdi>" in html
    assert '<td class="location"><bdi>A-01</bdi></td>' in html
    assert '<link rel="stylesheet" href="/static/desk/packing-slip.css">' in html
    assert "onclick" not in html
    css = (
        Path(__file__).parents[2] / "src/crossdock/desk/static/desk/packing-slip.css"
    ).read_text()
    assert "table-layout: fixed;" in css
    assert "overflow-wrap: anywhere;" in css
