"""Store passwords re-encrypted under the platform's secret box (one key-derivation scheme
for hub and desk). The two schemes are frozen here, so this migration keeps working however
the box changes later. A password that opens under neither (the key changed) is left as it
is: the desk already reports it as unreadable and asks for it again.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import migrations


def _old(material: bytes) -> Fernet:
    digest = hashlib.sha256(b"crossdock-desk-store-password:" + material).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _new(material: bytes) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"crossdock", info=b"desk-store-password-v1"
    ).derive(material)
    return Fernet(base64.urlsafe_b64encode(derived))


def _convert(apps: Any, forward: bool) -> None:
    material = str(settings.ENCRYPTION_KEY).encode("utf-8")
    source, target = (_old(material), _new(material)) if forward else (_new(material), _old(material))
    DeskStore = apps.get_model("desk_stores", "DeskStore")
    for store in DeskStore.objects.exclude(password_encrypted="").only("pk", "password_encrypted"):
        try:
            plain = source.decrypt(store.password_encrypted.encode("ascii"))
        except InvalidToken:
            continue
        DeskStore.objects.filter(pk=store.pk).update(
            password_encrypted=target.encrypt(plain).decode("ascii")
        )


def to_the_box(apps: Any, schema_editor: Any) -> None:
    _convert(apps, forward=True)


def back_to_the_old_scheme(apps: Any, schema_editor: Any) -> None:
    _convert(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("desk_stores", "0008_import_lease"),
    ]

    operations = [
        migrations.RunPython(to_the_box, back_to_the_old_scheme),
    ]
