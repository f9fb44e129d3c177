"""Re-encrypt every personal-data field with the first key of FIELD_ENCRYPTION_KEYS (docs/security.md).

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS and keep the old ones after it, run this command, then
remove the old keys. Values are read (decrypted with any key) and written back (encrypted with the first key).
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from portal.crypto import EncryptedTextField


class Command(BaseCommand):
    help = "Re-encrypt all encrypted fields with the newest key."

    def handle(self, *args, **options):
        total = 0
        for model in apps.get_models():
            names = [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not names:
                continue
            rows = 0
            with transaction.atomic():
                locked = model._base_manager.select_for_update().order_by("pk")
                for pk, *values in locked.values_list("pk", *names).iterator():
                    updates = {n: v for n, v in zip(names, values, strict=True) if v}
                    if updates:
                        model._base_manager.filter(pk=pk).update(**updates)
                        rows += 1
            total += rows
            self.stdout.write(f"{model._meta.label}: {rows} rows ({', '.join(names)})")
        self.stdout.write(self.style.SUCCESS(f"{total} rows re-encrypted with the first key."))
