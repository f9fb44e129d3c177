"""``python manage.py maintenance on|off|status``: serve the static 503 page to every request, or stop doing so."""

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Switch the maintenance page (HTTP 503) on or off for every web process at once."

    def add_arguments(self, parser):
        parser.add_argument("mode", choices=["on", "off", "status"])

    def handle(self, *args, mode, **options):
        flag = settings.MAINTENANCE_FLAG_FILE
        if mode == "on":
            flag.parent.mkdir(parents=True, exist_ok=True)
            flag.touch()
        elif mode == "off":
            flag.unlink(missing_ok=True)
        self.stdout.write(f"maintenance page {'on' if flag.exists() else 'off'} ({flag})")
