"""Database-level append-only tables: UPDATE, DELETE and TRUNCATE raise, whoever runs them (ORM, admin or raw SQL).

Tables declared in ``settings.APPEND_ONLY_MODELS`` get these guards after every migrate without a migration of their
own (``portal.dbroles``); this operation remains for migrations that want them at a precise step."""

from django.db import migrations


def _sql(vendor: str, table: str) -> list[str]:
    name = f"{table}_append_only"
    if vendor == "postgresql":
        return [
            f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql;""",
            f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {name}();",
            f"CREATE TRIGGER {name}_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {name}();",
        ]
    if vendor == "sqlite":
        refuse = f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
        return [
            f"CREATE TRIGGER {name}_u BEFORE UPDATE ON {table} {refuse}",
            f"CREATE TRIGGER {name}_d BEFORE DELETE ON {table} {refuse}",
        ]
    raise NotImplementedError(f"append-only triggers are written for PostgreSQL and SQLite, not {vendor}")


def _drop_sql(vendor: str, table: str) -> list[str]:
    name = f"{table}_append_only"
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {name} ON {table};",
            f"DROP TRIGGER IF EXISTS {name}_truncate ON {table};",
            f"DROP FUNCTION IF EXISTS {name}();",
        ]
    return [f"DROP TRIGGER IF EXISTS {name}_u;", f"DROP TRIGGER IF EXISTS {name}_d;"]


def append_only(table: str) -> migrations.RunPython:
    """A migration operation that makes ``table`` append-only on PostgreSQL and SQLite."""

    def forward(apps, schema_editor):
        for statement in _sql(schema_editor.connection.vendor, table):
            schema_editor.execute(statement)

    def backward(apps, schema_editor):
        for statement in _drop_sql(schema_editor.connection.vendor, table):
            schema_editor.execute(statement)

    return migrations.RunPython(forward, backward)
