"""Packing slips: the lines in picking order, and the printable PDF (reportlab).

The HTML slip (a template) shows item thumbnails; the PDF is drawn without fetching images,
so printing never reaches out to the network.
"""

from __future__ import annotations

import io
from html import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from crossdock.desk.orders.models import DeskOrder, DeskOrderLine


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


def _options(line: DeskOrderLine) -> str:
    return "; ".join(
        f"{escape(str(option.get('name', '')))}: {escape(str(option.get('value', '')))}"
        for option in line.options
    )


def _lines_html(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


def render_slip_pdf(order: DeskOrder) -> bytes:
    """A letter-size PDF slip with the store's branding (see :func:`slip_story`)."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        title=f"Packing slip {order.order_number}",
        leftMargin=0.6 * inch,
        rightMargin=0.6 * inch,
    )
    document.build(slip_story(order))
    return buffer.getvalue()


def slip_story(order: DeskOrder) -> list[Flowable]:
    """The PDF slip's flowables: branding, ship-from, ship-to, items, gift message, notes,
    returns address and footer; prices give way to the gift message on gift orders."""
    store = order.store
    styles = getSampleStyleSheet()
    brand = colors.HexColor(store.brand_colour)
    heading = styles["Heading1"].clone("brand", textColor=brand)
    body = styles["BodyText"]
    ship_to = order.ship_to
    address = "<br/>".join(
        escape(str(part))
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
        Paragraph(escape(store.company_name or store.name), heading),
        Paragraph(
            " · ".join(escape(part) for part in (store.phone, store.public_email) if part), body
        ),
    ]
    if store.ship_from_address:
        story.append(
            Paragraph(f"<b>Ships from</b><br/>{_lines_html(store.ship_from_address)}", body)
        )
    story += [
        Spacer(1, 8),
        Paragraph(f"<b>Order {escape(order.order_number)}</b> · {order.order_date:%m/%d/%Y}", body),
        Paragraph(f"<b>Ship to</b><br/>{address}", body),
        Spacer(1, 10),
    ]
    show_prices = shows_prices(order)
    show_skus = store.slip_show_skus
    header: list[object] = ["Location", *(["SKU"] if show_skus else []), "Item", "Qty"]
    if show_prices:
        header.append("Price")
    rows: list[list[object]] = [header]
    for line in slip_lines(list(order.lines.all()), store.slip_sort):
        item = escape(line.name)
        options = _options(line)
        if options:
            item += f"<br/><font size='8'>{options}</font>"
        row: list[object] = [line.location, *([line.sku] if show_skus else [])]
        row += [Paragraph(item, body), str(line.quantity)]
        if show_prices:
            row.append(f"{line.unit_price:.2f}")
        rows.append(row)
    table = Table(rows, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), brand),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
            ]
        )
    )
    story.append(table)
    story.append(Spacer(1, 12))
    if order.gift:
        message = escape(order.gift_message or "A gift for you.")
        story.append(Paragraph(f"<b>Gift message</b><br/>{message}", body))
    if order.customer_notes:
        story.append(Paragraph(f"<b>Notes</b><br/>{escape(order.customer_notes)}", body))
    if store.returns_to:
        story.append(Paragraph(f"<b>Returns</b><br/>{_lines_html(store.returns_to)}", body))
    if store.footer_text:
        story.append(Spacer(1, 12))
        story.append(Paragraph(escape(store.footer_text), body))
    return story
