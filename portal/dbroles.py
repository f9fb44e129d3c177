"""Least-privilege database roles and the append-only tables (issue 14 item 2; docs/operations.md "Database roles").

Three roles, on PostgreSQL:

- the **administrator** (the image's superuser), used only to create the two roles below (``manage.py db_roles``);
- the **owner** (``portal_owner``), which owns the database, the schema and every table, and runs ``migrate``;
- the **application role** (``portal_app``, ``settings.DATABASE_APP_ROLE``), which the web and the Celery workers log
  in as. It is neither owner nor superuser: on the append-only tables it may only SELECT and INSERT, and since only a
  table's owner may ``ALTER TABLE … DISABLE TRIGGER`` or ``DROP TRIGGER``, it cannot switch the guards off either.

Which tables are append-only is declared once, in ``settings.APPEND_ONLY_MODELS`` (a model label and the columns, if
any, that may be filled in once after the insert). After every ``migrate`` the post-migrate hook below installs the
guards on each declared table (a row trigger refusing UPDATE and DELETE, a statement trigger refusing TRUNCATE) and,
when ``DATABASE_APP_ROLE`` is set, grants the application role what it needs and no more. A new append-only table is
one line in that setting.
"""

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.conf import settings
from django.db import connections

# Roles and tables are named from identifiers we write ourselves; this guards against a typo reaching SQL.
_SAFE = set("abcdefghijklmnopqrstuvwxyz0123456789_")


def _ident(name: str) -> str:
    if not name or not set(name) <= _SAFE:
        raise ValueError(f"not a plain lower-case identifier: {name!r}")
    return f'"{name}"'


@dataclass(frozen=True)
class AppendOnly:
    table: str
    fill_once: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.table}_append_only"


def append_only_tables(apps=global_apps) -> list[AppendOnly]:
    """The declared append-only tables that exist in this project (``settings.APPEND_ONLY_MODELS``)."""
    tables = []
    for label, fill_once in settings.APPEND_ONLY_MODELS.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue  # declared ahead of its migration, or the app is not installed
        tables.append(AppendOnly(model._meta.db_table, tuple(fill_once)))
    return tables


# ---- the guards ---------------------------------------------------------------------------------------------------


def _pg_function(spec: AppendOnly) -> str:
    allow = ""
    if spec.fill_once:
        # The only UPDATE allowed: filling in an empty column once (e.g. the stored PDF of an issued document),
        # every other column unchanged.
        cols = " - ".join(f"'{c}'" for c in spec.fill_once)
        empty = " AND ".join(f"coalesce(OLD.{_ident(c)}::text, '') = ''" for c in spec.fill_once)
        allow = f"""IF TG_OP = 'UPDATE' THEN
                      IF {empty} AND (to_jsonb(OLD) - {cols}) = (to_jsonb(NEW) - {cols}) THEN RETURN NEW; END IF;
                    END IF;"""
    return f"""CREATE OR REPLACE FUNCTION {spec.name}() RETURNS trigger AS $$
               BEGIN {allow}
                 RAISE EXCEPTION '{spec.table} is append-only' USING ERRCODE = 'insufficient_privilege';
               END; $$ LANGUAGE plpgsql;"""


def pg_guard_sql(spec: AppendOnly, existing: set[str]) -> list[str]:
    statements = [_pg_function(spec)]
    table = _ident(spec.table)
    if spec.name not in existing:
        statements.append(
            f"CREATE TRIGGER {spec.name} BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {spec.name}();"
        )
    if f"{spec.name}_truncate" not in existing:
        statements.append(
            f"CREATE TRIGGER {spec.name}_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {spec.name}();"
        )
    return statements


def sqlite_guard_sql(spec: AppendOnly, columns: list[str]) -> list[str]:
    refuse = f"BEGIN SELECT RAISE(ABORT, '{spec.table} is append-only'); END;"
    update_when = ""
    if spec.fill_once:
        same = " AND ".join(f"OLD.{_ident(c)} IS NEW.{_ident(c)}" for c in columns if c not in spec.fill_once)
        empty = " AND ".join(f"coalesce(OLD.{_ident(c)}, '') = ''" for c in spec.fill_once)
        update_when = f" WHEN NOT ({empty} AND {same})"
    return [
        f"CREATE TRIGGER IF NOT EXISTS {spec.name}_u BEFORE UPDATE ON {_ident(spec.table)}{update_when} {refuse}",
        f"CREATE TRIGGER IF NOT EXISTS {spec.name}_d BEFORE DELETE ON {_ident(spec.table)} {refuse}",
    ]


def install_guards(using: str = "default", apps=global_apps) -> None:
    """Create the append-only triggers on every declared table that lacks them (idempotent)."""
    connection = connections[using]
    specs = append_only_tables(apps)
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            existing = {row[0] for row in cursor.fetchall()}
            for spec in specs:
                if spec.table in tables:
                    for statement in pg_guard_sql(spec, existing):
                        cursor.execute(statement)
        elif connection.vendor == "sqlite":
            for spec in specs:
                if spec.table in tables:
                    if spec.fill_once:
                        # An older migration may have created the plain refusal; the fill-once one replaces it.
                        cursor.execute(f"DROP TRIGGER IF EXISTS {spec.name}_u")
                    columns = [c.name for c in connection.introspection.get_table_description(cursor, spec.table)]
                    for statement in sqlite_guard_sql(spec, columns):
                        cursor.execute(statement)


# ---- the application role's privileges ----------------------------------------------------------------------------


def grant_sql(app_role: str, specs: list[AppendOnly], schema: str = "public") -> list[str]:
    role, schema = _ident(app_role), _ident(schema)
    statements = [
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"REVOKE CREATE ON SCHEMA {schema} FROM {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema} FROM {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        f"REVOKE INSERT, UPDATE, DELETE ON {schema}.django_migrations FROM {role}",
    ]
    for spec in specs:
        table = f"{schema}.{_ident(spec.table)}"
        # A fill-once table keeps UPDATE, which its trigger narrows to that one column, once.
        verbs = "DELETE" if spec.fill_once else "UPDATE, DELETE"
        statements.append(f"REVOKE {verbs} ON {table} FROM {role}")
        if not spec.fill_once:
            # PostgreSQL lets a role lock rows (SELECT … FOR UPDATE, as services do to serialise work on an entry)
            # only with UPDATE on at least one column: the key column, whose every UPDATE the row trigger refuses.
            statements.append(f'GRANT UPDATE ("id") ON {table} TO {role}')
    return statements


def grant_app_role(using: str = "default", apps=global_apps, app_role: str | None = None) -> bool:
    """Give the application role (``settings.DATABASE_APP_ROLE``) its privileges on this database (PostgreSQL; run by
    the owner after each migrate, or by the administrator)."""
    app_role = app_role or settings.DATABASE_APP_ROLE
    connection = connections[using]
    if not app_role or connection.vendor != "postgresql":
        return False
    tables = set(connection.introspection.table_names())
    specs = [spec for spec in append_only_tables(apps) if spec.table in tables]
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
        for statement in grant_sql(app_role, specs, schema):
            cursor.execute(statement)
    return True


def after_migrate(sender, *, using="default", plan=None, apps=global_apps, **kwargs) -> None:
    """post_migrate (portal app): guards and grants after ``migrate``; ``flush`` (no plan) leaves them alone."""
    if plan is None:
        return
    install_guards(using, apps)
    grant_app_role(using, apps)


# ---- creating the roles (run once as the database administrator) --------------------------------------------------


def create_roles_sql(
    *, database: str, owner: str, app: str, createdb: bool, owner_password: str | None, app_password: str | None
) -> list[tuple[str, list]]:
    """Idempotent SQL (with parameters) creating the owner and application roles for ``database``."""
    o, a, db = _ident(owner), _ident(app), _ident(database)
    statements: list[tuple[str, list]] = []
    for name in (owner, app):
        exists = f"SELECT FROM pg_roles WHERE rolname = '{name}'"  # nosec B608
        create = f"CREATE ROLE {_ident(name)} LOGIN"
        statements.append((f"DO $$ BEGIN IF NOT EXISTS ({exists}) THEN {create}; END IF; END $$;", []))
    statements += [
        # CREATEDB only when asked (test runs); never taken away here, since roles are shared by the whole cluster.
        (f"ALTER ROLE {o} LOGIN NOSUPERUSER NOCREATEROLE NOBYPASSRLS{' CREATEDB' if createdb else ''}", []),
        (f"ALTER ROLE {a} LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOBYPASSRLS NOREPLICATION", []),
        (f"REVOKE {o} FROM {a}", []),
        (f"ALTER DATABASE {db} OWNER TO {o}", []),
        (f"ALTER SCHEMA public OWNER TO {o}", []),
        ("REVOKE CREATE ON SCHEMA public FROM PUBLIC", []),
        (f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {a}", []),
        (f"GRANT USAGE ON SCHEMA public TO {a}", []),
    ]
    if owner_password:
        statements.append((f"ALTER ROLE {o} PASSWORD %s", [owner_password]))
    if app_password:
        statements.append((f"ALTER ROLE {a} PASSWORD %s", [app_password]))
    return statements


ADOPT_SQL = """
SELECT format('ALTER %%s %%I.%%I OWNER TO %%I', CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
              WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, n.nspname, c.relname, %s)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
  AND pg_get_userbyid(c.relowner) <> %s
  AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
UNION ALL
SELECT format('ALTER FUNCTION %%I.%%I() OWNER TO %%I', n.nspname, p.proname, %s)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'public' AND p.proname LIKE '%%append_only' AND pg_get_userbyid(p.proowner) <> %s
"""


def adopt_objects(cursor, owner: str) -> int:
    """Hand every table, sequence and trigger function of the public schema to ``owner`` (an existing deployment that
    ran as one superuser becomes one with an owner). Returns how many objects changed hands."""
    cursor.execute(ADOPT_SQL, [owner, owner, owner, owner])
    statements = [row[0] for row in cursor.fetchall()]
    for statement in statements:
        cursor.execute(statement)
    return len(statements)


def rewrite_append_only(schema_editor, table: str, rewrite) -> None:
    """For a migration only: run ``rewrite()`` with the UPDATE guard of ``table`` lifted, then put it back. Used once,
    when the chains became keyed (issue 14), before any checkpoint exists; the owner running migrations may do this,
    the application role may not."""
    from portal.dbtriggers import _sql

    name = f"{table}_append_only"
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {_ident(table)} DISABLE TRIGGER {name}")
        rewrite()
        schema_editor.execute(f"ALTER TABLE {_ident(table)} ENABLE TRIGGER {name}")
    else:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_u")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_d")
        rewrite()
        for statement in _sql(vendor, table):
            schema_editor.execute(statement)
