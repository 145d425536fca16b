"""Every connector's fake platform, by slug: the list the conformance kit runs over.

Add one line per connector (its fake's factory); the kit then runs every check against it.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.connectors.bigcommerce.fake import FakeBigCommerce
from tests.connectors.conformance.platform import FakePlatform
from tests.connectors.sandbox.fake import SandboxFake
from tests.connectors.shopify.fake import FakeShopify
from tests.connectors.woocommerce.fake import WooFake

FAKES: dict[str, Callable[[], FakePlatform]] = {
    "bigcommerce": FakeBigCommerce,
    "sandbox": SandboxFake,
    "shopify": FakeShopify,
    "woocommerce": WooFake,
}
