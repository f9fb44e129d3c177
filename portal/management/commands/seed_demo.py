"""``python manage.py seed_demo``: build (or rebuild) the demo world of SPEC §5 and print the logins."""

import time

from django.apps import apps
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
        builders = settings.PORTAL_DEMO_BUILDERS
        started = time.monotonic()
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
            for number, path in enumerate(builders, start=1):
                # Building the world takes minutes on a slow machine: say what is being built, so it never looks hung.
                self.stdout.write(f"[{number}/{len(builders)}] {path} …", ending="")
                self.stdout.flush()
                before, stage_started = _row_counts(), time.monotonic()
                import_string(path)(world)
                added = sum(_row_counts().values()) - sum(before.values())
                self.stdout.write(f" {added:+d} rows, {time.monotonic() - stage_started:.1f} s")
        self.stdout.write(f"Demo world built in {time.monotonic() - started:.0f} s.")
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
        # Lines a builder wants the newcomer to read (e.g. the review rounds' demo key shares), printed last.
        for note in world.notes:
            self.stdout.write(note)


def _row_counts() -> dict[str, int]:
    """Rows per project model (the counts printed beside each stage of the demo build)."""
    project_apps = {"portal", "workstations", "applications", "review", "subsidies"}
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in project_apps and not model._meta.proxy
    }
