"""``python manage.py db_roles``: create the owner and application database roles (run as the database administrator).

Idempotent: run it on every deployment before ``migrate`` (compose's ``roles`` service and ``.ci/run`` do). Passwords
come from ``PORTAL_DB_OWNER_PASSWORD`` and ``PORTAL_DB_APP_PASSWORD`` when set (local trust authentication needs
none). ``--adopt`` hands the tables of a deployment that used to run as one superuser to the owner.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from portal import dbroles


class Command(BaseCommand):
    help = "Create the least-privilege database roles (owner for migrations, application role for web and workers)."

    def add_arguments(self, parser):
        parser.add_argument("--owner", default=os.environ.get("DATABASE_OWNER_ROLE", "portal_owner"))
        parser.add_argument("--app", default=settings.DATABASE_APP_ROLE or "portal_app")
        parser.add_argument("--createdb", action="store_true", help="let the owner create databases (test runs)")
        parser.add_argument("--adopt", action="store_true", help="make the owner own every existing table")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("database roles exist on PostgreSQL only; SQLite has no roles")
        owner, app = options["owner"], options["app"]
        if owner == app:
            raise CommandError("the owner and the application role must differ")
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                raise CommandError("run db_roles as the database administrator (a superuser)")
            statements = dbroles.create_roles_sql(
                database=connection.settings_dict["NAME"],
                owner=owner,
                app=app,
                createdb=options["createdb"],
                owner_password=os.environ.get("PORTAL_DB_OWNER_PASSWORD"),
                app_password=os.environ.get("PORTAL_DB_APP_PASSWORD"),
            )
            for sql, params in statements:
                cursor.execute(sql, params)
            adopted = dbroles.adopt_objects(cursor, owner) if options["adopt"] else 0
        if options["adopt"] and connection.introspection.table_names():
            dbroles.install_guards()
            dbroles.grant_app_role(app_role=app)
        self.stdout.write(
            self.style.SUCCESS(f"roles ready: owner {owner}, application {app}; {adopted} objects adopted")
        )
