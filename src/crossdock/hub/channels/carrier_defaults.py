"""The built-in carrier mappings: ShipStation's common carriers in each channel's words.

These live in code, not in rows: :func:`crossdock.hub.channels.carriers.resolve_carrier`
consults them whenever no stored row matches, so a fresh database, a flushed test database
and an upgraded install all translate the same way. Stored rows override them: an
account's own rows for that account, rows without an account (added in the admin) for the
whole installation.
"""

from __future__ import annotations

from typing import Any

#: (ShipStation carrier, ShipStation service or "", channel carrier, channel service or "").
#: An empty channel carrier means "use the channel's fallback".
Row = tuple[str, str, str, str]

_COMMON = ("USPS", "UPS", "FedEx", "DHL")

DEFAULT_MAPPINGS: dict[str, tuple[Row, ...]] = {
    "shopify": (
        ("USPS", "", "USPS", ""),
        ("UPS", "", "UPS", ""),
        ("FedEx", "", "FedEx", ""),
        ("DHL", "", "DHL Express", ""),
        ("UPSMI", "", "UPS", ""),
        ("FedExInternationalMailService", "", "FedEx", ""),
        ("DHLGlobalMail", "", "DHL eCommerce", ""),
    ),
    "amazon": tuple((name, "", name, "") for name in _COMMON),
    "ebay": tuple((name, "", name, "") for name in _COMMON),
    "walmart": tuple((name, "", name, "") for name in _COMMON),
    "bigcommerce": (
        ("USPS", "", "usps", ""),
        ("UPS", "", "ups", ""),
        ("FedEx", "", "fedex", ""),
        # BigCommerce has no DHL code of its own: the fallback (a comment) carries it.
        ("DHL", "", "", ""),
    ),
    "sandbox": (
        ("USPS", "", "usps", ""),
        ("USPS", "Priority Mail", "usps", "priority"),
        ("USPS", "usps_priority_mail", "usps", "priority"),
        ("USPS", "First Class Mail", "usps", "first_class"),
        ("USPS", "usps_first_class_mail", "usps", "first_class"),
        ("UPS", "", "ups", ""),
        ("UPS", "UPS® Ground", "ups", "ground"),
        ("UPS", "ups_ground", "ups", "ground"),
        ("UPSMI", "", "ups", "mail_innovations"),
        ("FedEx", "", "fedex", ""),
        ("FedEx", "FedEx Ground®", "fedex", "ground"),
        ("FedEx", "fedex_ground", "fedex", "ground"),
        ("FedExInternationalMailService", "", "fedex", "international_mail"),
        ("DHL", "", "dhl_express", ""),
        ("DHLGlobalMail", "", "dhl_ecommerce", ""),
    ),
}


def seed_default_mappings(model: Any) -> int:
    """Copy the built-in defaults that are missing into ``model`` as rows without an account.

    Resolution never needs these rows (it falls back to :data:`DEFAULT_MAPPINGS`); copies
    are only a starting point for editing a default installation-wide in the admin.
    """
    created = 0
    for kind, rows in DEFAULT_MAPPINGS.items():
        for carrier, service, channel_carrier, channel_service in rows:
            _, made = model.objects.get_or_create(
                account=None,
                channel_kind=kind,
                carrier=carrier,
                service=service,
                defaults={"channel_carrier": channel_carrier, "channel_service": channel_service},
            )
            created += int(made)
    return created


def is_default_copy(
    channel_kind: str, carrier: str, service: str, channel_carrier: str, channel_service: str
) -> bool:
    """Whether a stored row says exactly what the built-in default for its key says."""
    return (carrier, service, channel_carrier, channel_service) in DEFAULT_MAPPINGS.get(
        channel_kind, ()
    )
