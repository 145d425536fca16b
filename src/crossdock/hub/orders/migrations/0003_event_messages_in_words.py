"""Rewrite the notes and address event messages written as field names in words.

Events recorded before messages were sentences read ``internal_notes changed`` or
``ship_to changed``; they now read "Internal notes changed", "Ship-to address changed".
Only those exact messages change; every other field of the trail stays as it was.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

_IN_WORDS = {
    "internal_notes changed": "Internal notes changed",
    "customer_notes changed": "Customer notes changed",
    "gift_message changed": "Gift message changed",
    "ship_to changed": "Ship-to address changed",
    "bill_to changed": "Bill-to address changed",
}


def forwards(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    events = apps.get_model("orders", "OrderEvent").objects
    for old, new in _IN_WORDS.items():
        events.filter(kind__in=["notes_changed", "address_changed"], message=old).update(
            message=new
        )


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_orderevent_kind_choices")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
