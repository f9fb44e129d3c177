"""Append-only ledger entries, enforced by the database (SPEC §4: "Entries are never edited or deleted").

PostgreSQL: row triggers on the entry and receipt-link tables raise on every UPDATE and DELETE. (TRUNCATE, which
Django's test flush uses, is a table-owner operation that row triggers do not see; the application never issues it.)

SQLite: the same triggers, written with ``RAISE(ABORT, ...)``. SQLite has no TRUNCATE, and Django's ``flush``
(test teardown, ``manage.py flush``) empties tables with ``DELETE``; so the DELETE trigger asks the function
``subsidies_append_only()``, registered on every Django connection, which answers "enforce" except while our
``flush`` command runs. A connection without the function (the sqlite3 shell) fails the DELETE as well.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_flushing: ContextVar[bool] = ContextVar("subsidies_flushing", default=False)

TABLES = ("subsidies_entry", "subsidies_entryreceipt")
MESSAGE = "ledger entries are append-only; record a reversing entry instead"


@contextmanager
def flushing():
    token = _flushing.set(True)
    try:
        yield
    finally:
        _flushing.reset(token)


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: give SQLite connections the function the DELETE trigger asks."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "subsidies_append_only", 0, lambda: 0 if _flushing.get() else 1, deterministic=False
        )


def postgresql_sql() -> list[str]:
    sql = [
        f"""CREATE OR REPLACE FUNCTION subsidies_refuse_change() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
        END;
        $$ LANGUAGE plpgsql"""
    ]
    for table in TABLES:
        sql.append(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION subsidies_refuse_change()"
        )
    return sql


def sqlite_sql() -> list[str]:
    sql = []
    for table in TABLES:
        sql.append(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
        sql.append(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} WHEN subsidies_append_only() "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
    return sql


def drop_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}" for t in TABLES] + [
            "DROP FUNCTION IF EXISTS subsidies_refuse_change()"
        ]
    return [f"DROP TRIGGER IF EXISTS {t}_{op}" for t in TABLES for op in ("no_update", "no_delete")]


def install(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = postgresql_sql()
    elif vendor == "sqlite":
        statements = sqlite_sql()
    else:
        raise NotImplementedError(f"append-only triggers are not written for {vendor}")
    for statement in statements:
        schema_editor.execute(statement, params=None)


def uninstall(schema_editor) -> None:
    for statement in drop_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)
