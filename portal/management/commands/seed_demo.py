"""``python manage.py seed_demo``: build (or rebuild) the demo world of SPEC §5 and print the logins."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import translation
from django.utils.module_loading import import_string

from portal.demo import DEMO_PASSWORD, World


class Command(BaseCommand):
    help = "Build the demo world (idempotent) and print a login per role."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the login table.")

    def handle(self, *args, **options):
        world = World()
        # The demo's own notifications are not mailed to the console: they wait in each user's inbox.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
            for path in settings.PORTAL_DEMO_BUILDERS:
                import_string(path)(world)
        if options["quiet_logins"]:
            return
        self.stdout.write(self.style.SUCCESS(f"Demo world ready. Logins (password for all: {DEMO_PASSWORD}):"))
        seen = set()
        with translation.override(settings.LANGUAGE_CODE):
            for username, user, org in world.logins:
                if username in seen:
                    continue
                seen.add(username)
                self.stdout.write(f"  {username:<10} {user.role_label!s:<12} {org}")
        from review.demo import demo_shares_path  # issue 13: the demo rounds' key shares, for the demo only

        if demo_shares_path().exists():
            self.stdout.write(
                f"Demo key shares of the review rounds (demo only; any two, 郑纪明's among them): {demo_shares_path()}"
            )
            self.stdout.write(demo_shares_path().read_text(encoding="utf-8"))
