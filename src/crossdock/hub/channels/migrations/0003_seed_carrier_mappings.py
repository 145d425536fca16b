"""Seed the default carrier mappings (rows without an account).

The defaults as they were when this migration was written are frozen here (the live ones
are declared by each connector's spec now), so the migration reads the same forever.
"""

from django.db import migrations

#: (ShipStation carrier, ShipStation service or "", channel carrier, channel service or "").
_COMMON = ("USPS", "UPS", "FedEx", "DHL")
FROZEN_DEFAULTS = {
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


def seed(apps, schema_editor):
    model = apps.get_model("channels", "CarrierMapping")
    for kind, rows in FROZEN_DEFAULTS.items():
        for carrier, service, channel_carrier, channel_service in rows:
            model.objects.get_or_create(
                account=None,
                channel_kind=kind,
                carrier=carrier,
                service=service,
                defaults={"channel_carrier": channel_carrier, "channel_service": channel_service},
            )


def unseed(apps, schema_editor):
    apps.get_model("channels", "CarrierMapping").objects.filter(account__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("channels", "0002_sync_health_runs_carrier_mappings")]

    operations = [migrations.RunPython(seed, unseed)]
