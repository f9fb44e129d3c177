"""The PostgreSQL test run as production runs it: the test database is created and migrated by the owner role
(``DATABASE_URL``), then every test connection logs in as the application role (``DATABASE_APP_ROLE``), which holds
only the privileges ``portal.dbroles`` grants. ``.ci/run`` sets both; without them (SQLite, or a plain superuser
``DATABASE_URL``) nothing changes.

``DATABASE_SUPERUSER_URL`` names the database administrator, whom the tampering tests impersonate.
"""

import contextlib
import os
from urllib.parse import urlsplit, urlunsplit

from django.db import connections

OWNER: dict[str, str] = {}


def app_role() -> str:
    return os.environ.get("DATABASE_APP_ROLE", "") if connections["default"].vendor == "postgresql" else ""


def _login(user: str, password: str) -> None:
    for alias in connections:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        connection.close()
        connection.settings_dict["USER"], connection.settings_dict["PASSWORD"] = user, password


def switch_to_app_role() -> None:
    role = app_role()
    if not role:
        return
    db = connections["default"].settings_dict
    OWNER.setdefault("USER", db["USER"])
    OWNER.setdefault("PASSWORD", db.get("PASSWORD") or "")
    _login(role, os.environ.get("DATABASE_APP_PASSWORD", ""))


def switch_to_owner() -> None:
    if OWNER:
        _login(OWNER["USER"], OWNER["PASSWORD"])


@contextlib.contextmanager
def as_owner():
    """Run a block as the owner (the test database's setup, flush and restore do), then log back in as the app."""
    if not OWNER or connections["default"].settings_dict["USER"] == OWNER["USER"]:
        yield
        return
    switch_to_owner()
    try:
        yield
    finally:
        switch_to_app_role()


def owner_url(database: str | None = None) -> str:
    """A URL for the owner (who may create databases), to the test database or to ``database``."""
    db = connections["default"].settings_dict
    user = OWNER.get("USER") or db["USER"]
    password = OWNER.get("PASSWORD") if OWNER else db.get("PASSWORD")
    auth = f"{user}:{password}" if password else user
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{database or db['NAME']}"


@contextlib.contextmanager
def superuser_cursor():
    """A cursor of the database administrator on the test database, in autocommit: what an insider with full
    database access does (switch triggers off, rewrite rows). Committed data only, so use it in transactional
    tests. Yields None when no superuser is configured (the caller skips)."""
    connection = connections["default"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            yield cursor
        return
    url = os.environ.get("DATABASE_SUPERUSER_URL", "")
    if not url:
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                yield cursor
                return
        yield None
        return
    import psycopg

    parts = urlsplit(url)
    target = urlunsplit(parts._replace(scheme="postgresql", path=f"/{connection.settings_dict['NAME']}"))
    with psycopg.connect(target, autocommit=True) as conn, conn.cursor() as cursor:
        yield cursor


def flush_around_guards(flush_handle):
    """``flush`` as the owner, with the BEFORE TRUNCATE guards of the append-only tables switched off for the
    TRUNCATE only (a table's owner may; the application role may not)."""

    def handle(self, **options):
        connection = connections[options.get("database", "default")]
        if connection.vendor != "postgresql":
            return flush_handle(self, **options)
        from portal.dbroles import append_only_tables

        with as_owner():
            tables = set(connection.introspection.table_names())
            guarded = [spec for spec in append_only_tables() if spec.table in tables]
            with connection.cursor() as cursor:
                for spec in guarded:
                    cursor.execute(f'ALTER TABLE "{spec.table}" DISABLE TRIGGER {spec.name}_truncate')
            try:
                return flush_handle(self, **options)
            finally:
                with connection.cursor() as cursor:
                    for spec in guarded:
                        cursor.execute(f'ALTER TABLE "{spec.table}" ENABLE TRIGGER {spec.name}_truncate')

    return handle


def tamper(*statements: tuple[str, list] | str) -> None:
    """What the database administrator can do whatever the roles: switch every guard off, rewrite, switch back on."""
    import pytest

    with superuser_cursor() as cursor:
        if cursor is None:
            pytest.skip("needs the database administrator (DATABASE_SUPERUSER_URL)")
        if connections["default"].vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            try:
                for statement in statements:
                    sql, params = (statement, []) if isinstance(statement, str) else statement
                    cursor.execute(sql, params)
            finally:
                cursor.execute("SET session_replication_role = DEFAULT")
            return
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%append_only%'")
        saved = cursor.fetchall()
        for name, _sql in saved:
            cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            for statement in statements:
                sql, params = (statement, []) if isinstance(statement, str) else statement
                cursor.execute(sql, params)
        finally:
            for _name, sql in saved:
                cursor.execute(sql)
