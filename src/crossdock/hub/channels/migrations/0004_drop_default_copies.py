"""The default carrier mappings live in code now: drop the rows 0003 copied from them.

Rows without an account that still say exactly what the built-in default said are
redundant, and would shadow a later change of the default in code; edited ones stay as
installation-wide overrides. "The default" is the frozen copy migration 0003 seeded from.
"""

import importlib

from django.db import migrations

FROZEN_DEFAULTS = importlib.import_module(
    "crossdock.hub.channels.migrations.0003_seed_carrier_mappings"
).FROZEN_DEFAULTS


def is_default_copy(channel_kind, carrier, service, channel_carrier, channel_service):
    rows = FROZEN_DEFAULTS.get(channel_kind, ())
    return (carrier, service, channel_carrier, channel_service) in rows


def drop_copies(apps, schema_editor):
    model = apps.get_model("channels", "CarrierMapping")
    copies = [
        row.pk
        for row in model.objects.filter(account__isnull=True)
        if is_default_copy(
            row.channel_kind, row.carrier, row.service, row.channel_carrier, row.channel_service
        )
    ]
    model.objects.filter(pk__in=copies).delete()


class Migration(migrations.Migration):
    dependencies = [("channels", "0003_seed_carrier_mappings")]

    operations = [migrations.RunPython(drop_copies, migrations.RunPython.noop)]
