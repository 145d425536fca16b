"""The desk's lenient ``<Orders>`` reader: how fast it reads a full export page.

Figures: orders per second and MB per second reading a page of 500 orders with three items
each (options, images, weights, CDATA, 12-hour dates), best of a few rounds.
"""

from __future__ import annotations

import time

from crossdock.customstore.reader import parse_orders

PAGE = 500
ROUNDS = 5


def _order(number: int) -> str:
    items = "".join(
        f"<Item><LineItemID>{number}-{index}</LineItemID><SKU><![CDATA[SKU-{index}]]></SKU>"
        f"<Name><![CDATA[Item {index} & more]]></Name><Quantity>{index}</Quantity>"
        f"<UnitPrice>{index}9.90</UnitPrice><ImageUrl>https://img.example/{index}.jpg</ImageUrl>"
        f"<Weight>{index}.5</Weight><WeightUnits>Ounces</WeightUnits><Location>A-{index}</Location>"
        "<Options><Option><Name>Size</Name><Value>M</Value></Option>"
        "<Option><Name>Colour</Name><Value><![CDATA[Forest green]]></Value></Option></Options>"
        "</Item>"
        for index in range(1, 4)
    )
    return (
        f"<Order><OrderNumber><![CDATA[{number}]]></OrderNumber>"
        "<OrderDate>11/27/2026 2:05:09 PM</OrderDate><OrderStatus>paid</OrderStatus>"
        "<LastModified>11/27/2026 2:35 PM</LastModified><OrderTotal>120.00</OrderTotal>"
        "<TaxAmount>8.00</TaxAmount><ShippingAmount>4.90</ShippingAmount>"
        "<CustomerNotes><![CDATA[Leave at the door]]></CustomerNotes><Gift>false</Gift>"
        "<Customer><CustomerCode>buyer@example.com</CustomerCode>"
        "<BillTo><Name>Ada Lovelace</Name><Email>buyer@example.com</Email></BillTo>"
        "<ShipTo><Name>Ada Lovelace</Name><Address1>12 Example Road</Address1>"
        "<City>London</City><PostalCode>SW1Y 4JH</PostalCode><Country>GB</Country></ShipTo>"
        f"</Customer><Items>{items}</Items></Order>"
    )


def run() -> None:
    body = (
        '<?xml version="1.0" encoding="utf-8"?><Orders pages="1">'
        + "".join(_order(number) for number in range(PAGE))
        + "</Orders>"
    ).encode()
    best = float("inf")
    for _ in range(ROUNDS):
        began = time.perf_counter()
        page = parse_orders(body)
        best = min(best, time.perf_counter() - began)
    assert len(page.orders) == PAGE
    megabytes = len(body) / 1_000_000
    print(
        f"read {PAGE} orders ({megabytes:.2f} MB) in {best * 1000:.1f} ms: "
        f"{PAGE / best:,.0f} orders/s, {megabytes / best:.1f} MB/s"
    )
