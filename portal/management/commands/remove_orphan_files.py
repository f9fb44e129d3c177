"""``python manage.py remove_orphan_files [--dry-run]``: what the daily job does, on demand (portal/storage.py)."""

from django.core.management.base import BaseCommand

from portal.storage import orphan_files_remove


class Command(BaseCommand):
    help = "Delete private files older than a day that no row refers to; count rows whose file is missing."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args, dry_run, **options):
        report = orphan_files_remove(dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(
            f"{verb} {report['removed']} orphan files; kept {report['kept']}; "
            f"{report['missing']} rows refer to a missing file"
        )
