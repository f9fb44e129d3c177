"""Django's ``flush``, allowed past the SQLite append-only DELETE trigger (see ``subsidies.guard``).

Emptying the whole database is the SQLite counterpart of PostgreSQL's TRUNCATE; tests run it after each
transactional test. Everything else still meets the trigger.
"""

from django.core.management.commands.flush import Command as FlushCommand

from subsidies.guard import flushing


class Command(FlushCommand):
    def handle(self, **options):
        with flushing():
            return super().handle(**options)
