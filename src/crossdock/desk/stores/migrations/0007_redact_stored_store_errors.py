"""Redact the store errors stored before every error went through one redaction.

Until then a store answering with a redirect or an error page that echoed the URL could
leave ``SS-Password`` in a store's ``last_error`` and an import's ``error``; those rows
would keep showing it.
"""

from typing import Any

from django.db import migrations

from crossdock.core.redaction import redact


def redact_stored_errors(apps: Any, schema_editor: Any) -> None:
    store_model = apps.get_model("desk_stores", "DeskStore")
    run_model = apps.get_model("desk_stores", "ImportRun")
    for model in (store_model, run_model):
        field = "last_error" if model is store_model else "error"
        for pk, text in model.objects.exclude(**{field: ""}).values_list("pk", field).iterator():
            cleaned = redact(text, limit=max(len(text), 1))
            if cleaned != text:
                model.objects.filter(pk=pk).update(**{field: cleaned})


class Migration(migrations.Migration):
    dependencies = [("desk_stores", "0006_store_auth_mode_and_import_note")]

    operations = [migrations.RunPython(redact_stored_errors, migrations.RunPython.noop)]
