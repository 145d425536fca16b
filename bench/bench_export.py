"""Export page rendering: Crossdock's streaming renderer against two bare baselines.

- ``crossdock``: :func:`crossdock.customstore.export.render_orders`, with every wire concern
  (entity decoding, forbidden characters, length cuts, CDATA, weights, totals).
- ``lxml tree``: the same elements built as an ``lxml.etree`` tree and serialised at once,
  with no cleaning at all (what a naive store does).
- ``raw str``: f-strings with ``html.escape`` only: the ceiling for pure Python.

Figures: orders per second and MB per second over a page of 500 full orders, and the peak
memory of streaming 5,000 orders (chunks discarded as a response would) against holding the
whole document.
"""

from __future__ import annotations

import html
import time
import tracemalloc
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal

from lxml import etree

from crossdock.core.dto import Address, LineOption
from crossdock.core.weights import Weight, WeightUnit
from crossdock.customstore.export import ExportItem, ExportOrder, render_orders

PAGE = 500
ROUNDS = 5


def _order(number: int) -> ExportOrder:
    address = Address(
        name=f"Zoë Ångström {number}",
        company="Ångström & Co",
        phone="+46 70 000 00 00",
        email="zoe@example.com",
        address1="Kungsgatan 2",
        address2="Lgh 1102",
        city="Göteborg",
        state="O",
        postal_code="411 19",
        country="SE",
    )
    return ExportOrder(
        order_id=str(number),
        order_number=f"A-{number}",
        order_date=datetime(2026, 11, 20, 9, 15, tzinfo=UTC),
        last_modified=datetime(2026, 11, 27, 14, 5, tzinfo=UTC),
        status="paid",
        customer_code="zoe@example.com",
        bill_to=address,
        ship_to=address,
        items=(
            ExportItem(
                line_item_id=str(number * 10),
                sku="MUG-1",
                name="Mug “Fika” & saucer",
                quantity=2,
                unit_price=Decimal("12.50"),
                image_url="https://img.example.com/mug.png",
                weight=Weight(Decimal("350"), WeightUnit.GRAM),
                options=(LineOption("Colour", "Red"), LineOption("Size", "L")),
            ),
            ExportItem(
                line_item_id=str(number * 10 + 1),
                sku="TEE",
                name="T-shirt",
                quantity=1,
                unit_price=Decimal("20.00"),
            ),
            ExportItem("", "", "Coupon WINTER5", 1, Decimal("-5.00"), adjustment=True),
        ),
        shipping_method="PostNord MyPack Home",
        payment_method="Klarna",
        currency_code="EUR",
        tax_amount=Decimal("12.35"),
        shipping_amount=Decimal("5.90"),
        customer_notes="Ring the bell twice <b>please</b>",
        gift=True,
        gift_message="Grattis! 🎂",
        source="eBay",
    )


def _lxml_tree(orders: Iterable[ExportOrder]) -> bytes:
    root = etree.Element("Orders", pages="1")
    for order in orders:
        element = etree.SubElement(root, "Order")
        for tag, value in (
            ("OrderID", order.order_id),
            ("OrderNumber", order.order_number),
            ("OrderStatus", order.status),
            ("CustomerNotes", order.customer_notes),
            ("GiftMessage", order.gift_message),
        ):
            etree.SubElement(element, tag).text = value
        customer = etree.SubElement(element, "Customer")
        ship_to = etree.SubElement(customer, "ShipTo")
        for tag, value in (
            ("Name", order.ship_to.name),
            ("Address1", order.ship_to.address1),
            ("City", order.ship_to.city),
            ("PostalCode", order.ship_to.postal_code),
            ("Country", order.ship_to.country),
        ):
            etree.SubElement(ship_to, tag).text = value
        items = etree.SubElement(element, "Items")
        for item in order.items:
            node = etree.SubElement(items, "Item")
            etree.SubElement(node, "SKU").text = item.sku
            etree.SubElement(node, "Name").text = item.name
            etree.SubElement(node, "Quantity").text = str(item.quantity)
            etree.SubElement(node, "UnitPrice").text = f"{item.unit_price:.2f}"
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


def _raw_str(orders: Iterable[ExportOrder]) -> bytes:
    escape = html.escape
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<Orders pages="1">']
    for order in orders:
        items = "".join(
            f"<Item><SKU>{escape(i.sku)}</SKU><Name>{escape(i.name)}</Name>"
            f"<Quantity>{i.quantity}</Quantity><UnitPrice>{i.unit_price:.2f}</UnitPrice></Item>"
            for i in order.items
        )
        parts.append(
            f"<Order><OrderID>{escape(order.order_id)}</OrderID>"
            f"<OrderNumber>{escape(order.order_number)}</OrderNumber>"
            f"<OrderStatus>{escape(order.status)}</OrderStatus>"
            f"<CustomerNotes>{escape(order.customer_notes)}</CustomerNotes>"
            f"<Customer><ShipTo><Name>{escape(order.ship_to.name)}</Name>"
            f"<Address1>{escape(order.ship_to.address1)}</Address1>"
            f"<City>{escape(order.ship_to.city)}</City></ShipTo></Customer>"
            f"<Items>{items}</Items></Order>"
        )
    parts.append("</Orders>")
    return "".join(parts).encode("utf-8")


def _crossdock(orders: Iterable[ExportOrder]) -> bytes:
    return b"".join(render_orders(orders, 1))


def _measure(render: Callable[[list[ExportOrder]], bytes], orders: list[ExportOrder]) -> None:
    render(orders)  # warm up
    best = float("inf")
    size = 0
    for _ in range(ROUNDS):
        started = time.perf_counter()
        size = len(render(orders))
        best = min(best, time.perf_counter() - started)
    print(
        f"  {render.__name__.strip('_'):<10} {len(orders) / best:>10,.0f} orders/s"
        f"  {size / best / 1e6:>7.1f} MB/s  ({size / len(orders):,.0f} bytes/order)"
    )


def _peak(consume: Callable[[], None]) -> int:
    tracemalloc.start()
    consume()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def run() -> None:
    page = [_order(n) for n in range(PAGE)]
    print(f"rendering a page of {PAGE} orders (best of {ROUNDS}):")
    for render in (_crossdock, _lxml_tree, _raw_str):
        _measure(render, page)

    many = 5_000

    def streamed() -> None:
        for _chunk in render_orders((_order(n) for n in range(many)), 1):
            pass

    def whole() -> None:
        _crossdock([_order(n) for n in range(many)])

    print(f"peak memory for {many:,} orders:")
    print(f"  streamed   {_peak(streamed) / 1e6:>7.2f} MB (one 64 KB chunk at a time)")
    print(f"  whole      {_peak(whole) / 1e6:>7.2f} MB (document and orders held)")


if __name__ == "__main__":
    run()
