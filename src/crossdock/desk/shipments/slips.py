"""Packing slips: the lines in picking order, and the printable PDF (reportlab).

The HTML slip (a template) shows item thumbnails; the PDF is drawn without fetching images,
so printing never reaches out to the network. Its fonts and per-glyph fallback live in
:mod:`crossdock.desk.shipments.slip_fonts`.
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from crossdock.core.display import format_date
from crossdock.desk.orders.models import DeskOrder, DeskOrderLine
from crossdock.desk.shipments.slip_fonts import markup, slip_fonts


def slip_lines(lines: list[DeskOrderLine], sort: str) -> list[DeskOrderLine]:
    """Shippable lines in the slip's order: ``location`` (picking order, lines without one
    last, then SKU), ``sku`` or ``name`` (case-insensitive, then SKU); ties keep their order."""
    shippable = [line for line in lines if line.is_shippable]
    if sort == "sku":
        return sorted(shippable, key=lambda line: (line.sku.casefold(), line.name.casefold()))
    if sort == "name":
        return sorted(shippable, key=lambda line: (line.name.casefold(), line.sku.casefold()))
    return sorted(shippable, key=lambda line: (not line.location, line.location, line.sku))


def shows_prices(order: DeskOrder) -> bool:
    """Prices print when the store says so, and never on a gift order."""
    return order.store.slip_show_prices and not order.gift


#: Letter paper with 0.6-inch side margins, less the frame's own 6-point padding each side.
MARGIN = 0.6 * inch
CONTENT_WIDTH = LETTER[0] - 2 * MARGIN - 12
#: Fixed widths (points) of every column but the item's, which takes what is left.
COLUMN_WIDTHS = {"Location": 78.0, "SKU": 96.0, "Qty": 40.0, "Price": 62.0}


def render_slip_pdf(order: DeskOrder) -> bytes:
    """A letter-size PDF slip with the store's branding (see :func:`slip_story`).

    Raises :class:`~crossdock.desk.shipments.slip_fonts.SlipFontsMissing` when the
    machine lacks the slip's required font.
    """
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        title=f"Packing slip {order.order_number}",
        leftMargin=MARGIN,
        rightMargin=MARGIN,
    )
    document.build(slip_story(order))
    return buffer.getvalue()


def _column_widths(header: list[str], width: float) -> list[float]:
    fixed = sum(COLUMN_WIDTHS.get(title, 0.0) for title in header)
    return [COLUMN_WIDTHS.get(title, width - fixed) for title in header]


def slip_story(order: DeskOrder, width: float = CONTENT_WIDTH) -> list[Flowable]:
    """The PDF slip's flowables: branding, ship-from, ship-to, items, gift message, notes,
    returns address and footer; prices give way to the gift message on gift orders.

    Every merchant text goes through :func:`~crossdock.desk.shipments.slip_fonts.markup`
    (a font with the glyph for each character); the items table has fixed column widths
    and every cell is a wrapping paragraph, each field its own, so long or right-to-left
    text stays in its cell.
    """
    fonts = slip_fonts()

    def text(value: object) -> str:
        return markup(str(value), fonts)

    store = order.store
    styles = getSampleStyleSheet()
    brand = colors.HexColor(store.brand_colour)
    body = styles["BodyText"].clone("slip-body", fontName=fonts.base)
    heading = styles["Heading1"].clone("slip-brand", textColor=brand, fontName=fonts.bold)
    cell = body.clone("slip-cell", spaceBefore=0, spaceAfter=0)
    small = cell.clone("slip-small", fontSize=8, leading=10)
    header_cell = cell.clone("slip-header", fontName=fonts.bold, textColor=colors.white)
    number = cell.clone("slip-number", alignment=TA_RIGHT)
    ship_to = order.ship_to
    address = "<br/>".join(
        text(part)
        for part in (
            ship_to.get("name"),
            ship_to.get("company"),
            ship_to.get("address1"),
            ship_to.get("address2"),
            " ".join(
                str(value)
                for value in (ship_to.get("city"), ship_to.get("state"), ship_to.get("postal_code"))
                if value
            ),
            ship_to.get("country"),
        )
        if part
    )
    story: list[Flowable] = [
        Paragraph(text(store.company_name or store.name), heading),
        Paragraph(
            " · ".join(text(part) for part in (store.phone, store.public_email) if part), body
        ),
    ]
    if store.ship_from_address:
        story.append(Paragraph(f"<b>Ships from</b><br/>{text(store.ship_from_address)}", body))
    story += [
        Spacer(1, 8),
        Paragraph(
            f"<b>Order {text(order.order_number)}</b> · {format_date(order.order_date)}", body
        ),
        Paragraph(f"<b>Ship to</b><br/>{address}", body),
        Spacer(1, 10),
    ]
    show_prices = shows_prices(order)
    show_skus = store.slip_show_skus
    header = ["Location", *(["SKU"] if show_skus else []), "Item", "Qty"]
    if show_prices:
        header.append("Price")
    rows: list[list[object]] = [[Paragraph(title, header_cell) for title in header]]
    for line in slip_lines(list(order.lines.all()), store.slip_sort):
        item: list[Flowable] = [Paragraph(text(line.name), cell)]
        item += [
            Paragraph(f"{text(option.get('name', ''))}: {text(option.get('value', ''))}", small)
            for option in line.options
        ]
        row: list[object] = [Paragraph(text(line.location), cell)]
        if show_skus:
            row.append(Paragraph(text(line.sku), cell))
        row += [item, Paragraph(str(line.quantity), number)]
        if show_prices:
            row.append(Paragraph(f"{line.unit_price:.2f}", number))
        rows.append(row)
    table = Table(rows, colWidths=_column_widths(header, width), repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), brand),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
            ]
        )
    )
    story.append(table)
    story.append(Spacer(1, 12))
    if order.gift:
        message = text(order.gift_message or "A gift for you.")
        story.append(Paragraph(f"<b>Gift message</b><br/>{message}", body))
    if order.customer_notes:
        story.append(Paragraph(f"<b>Notes</b><br/>{text(order.customer_notes)}", body))
    if store.returns_to:
        story.append(Paragraph(f"<b>Returns</b><br/>{text(store.returns_to)}", body))
    if store.footer_text:
        story.append(Spacer(1, 12))
        story.append(Paragraph(text(store.footer_text), body))
    return story
