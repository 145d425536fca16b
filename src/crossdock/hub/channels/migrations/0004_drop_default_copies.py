"""The default carrier mappings live in code now: drop the rows 0003 copied from them.

Rows without an account that still say exactly what the built-in default says are
redundant, and would shadow a later change of the default in code; edited ones stay as
installation-wide overrides.
"""

from django.db import migrations

from crossdock.hub.channels.carrier_defaults import is_default_copy


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
