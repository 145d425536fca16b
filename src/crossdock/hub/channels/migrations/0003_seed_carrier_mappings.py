"""Seed the default carrier mappings (rows without an account)."""

from django.db import migrations

from crossdock.hub.channels.carrier_defaults import seed_default_mappings


def seed(apps, schema_editor):
    seed_default_mappings(apps.get_model("channels", "CarrierMapping"))


def unseed(apps, schema_editor):
    apps.get_model("channels", "CarrierMapping").objects.filter(account__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("channels", "0002_sync_health_runs_carrier_mappings")]

    operations = [migrations.RunPython(seed, unseed)]
