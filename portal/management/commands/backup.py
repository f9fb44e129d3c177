from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.backup import make_backup


class Command(BaseCommand):
    help = "Back up the database and the private uploads into one folder (docs/security.md)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="target folder (default: var/backups/<timestamp>)")

    def handle(self, *args, **options):
        target = Path(options["output"] or Path(settings.VAR_DIR) / "backups" / f"{timezone.localtime():%Y%m%d-%H%M%S}")
        make_backup(target)
        self.stdout.write(self.style.SUCCESS(f"backup written to {target}"))
