"""Published schemas the Custom Store code validates against, shipped inside the package.

The conformance checker (``crossdock customstore check``) validates export pages against
:data:`SHIPSTATION_ORDERS_XSD` at run time, and the tests validate the hub's own export
against the same file: one copy, so the two cannot drift. Provenance is in ``README.md``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).parent

#: ShipStation's Custom Store order-export schema (2016 revision).
SHIPSTATION_ORDERS_XSD = SCHEMAS / "shipstation-custom-store-orders.xsd"


@cache
def orders_schema() -> etree.XMLSchema:
    """The order-export schema, loaded once per process."""
    return etree.XMLSchema(etree.parse(str(SHIPSTATION_ORDERS_XSD)))
