from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import restore_backup


class Command(BaseCommand):
    help = "Restore a backup folder into the configured (empty) database and the private upload folder."

    def add_arguments(self, parser):
        parser.add_argument("source", help="a folder written by `manage.py backup`")

    def handle(self, *args, **options):
        try:
            restore_backup(Path(options["source"]))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("restored"))
