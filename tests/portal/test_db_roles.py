"""Issue 14 item 2: the application role cannot rewrite, empty or unguard the append-only tables.

On PostgreSQL with ``DATABASE_APP_ROLE`` set (as ``.ci/run`` does) every test connection is the application role, so
these statements are refused by privileges, not by good manners. The guards themselves are checked on every database.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction

from portal.dbroles import append_only_tables, grant_sql
from portal.documents.models import OfficialDocument
from portal.documents.services import document_issue, next_free_seq, series_for
from tests.support.dbroles import app_role

pytestmark = pytest.mark.django_db

TABLES = [spec.table for spec in append_only_tables()]
needs_app_role = pytest.mark.skipif("not __import__('tests.support.dbroles').support.dbroles.app_role()")


def _refused(sql: str) -> str:
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    return str(refused.value)


def test_every_declared_table_is_guarded_on_this_database():
    assert {"portal_auditevent", "subsidies_entry", "review_ballot", "workstations_transitionlog"} <= set(TABLES)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            names = {row[0] for row in cursor.fetchall()}
            wanted = {f"{t}_append_only" for t in TABLES} | {f"{t}_append_only_truncate" for t in TABLES}
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            names = {row[0] for row in cursor.fetchall()}
            wanted = {f"{t}_append_only_u" for t in TABLES} | {f"{t}_append_only_d" for t in TABLES}
    assert wanted <= names


@needs_app_role
def test_the_application_role_is_neither_superuser_nor_owner():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles "
            "WHERE rolname = current_user"
        )
        assert cursor.fetchone() == (app_role(), False, False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tableowner = current_user"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT has_schema_privilege(current_user, current_schema(), 'CREATE')")
        assert cursor.fetchone()[0] is False


@needs_app_role
@pytest.mark.parametrize("table", TABLES)
def test_the_application_role_cannot_change_empty_or_unguard_an_append_only_table(table):
    fill_once = {s.table: s.fill_once for s in append_only_tables()}[table]
    if not fill_once:
        with connection.cursor() as cursor:
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
        for column in columns:
            if column != "id":  # the key column only lets the role lock rows; its trigger refuses every UPDATE
                assert "permission denied" in _refused(f'UPDATE "{table}" SET "{column}" = "{column}"')  # noqa: S608
    assert "permission denied" in _refused(f'DELETE FROM "{table}"')  # noqa: S608
    assert "permission denied" in _refused(f'TRUNCATE "{table}" CASCADE')
    assert "must be owner" in _refused(f'ALTER TABLE "{table}" DISABLE TRIGGER {table}_append_only')
    assert "must be owner" in _refused(f'ALTER TABLE "{table}" DISABLE TRIGGER ALL')
    assert "must be owner" in _refused(f'DROP TRIGGER {table}_append_only_truncate ON "{table}"')
    replace = f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ BEGIN RETURN NEW; END; $$ "
    assert "permission denied for schema" in _refused(replace + "LANGUAGE plpgsql")
    assert "permission denied" in _refused("SET session_replication_role = replica")
    with connection.cursor() as cursor:  # and still: reading and appending
        cursor.execute(f"SELECT has_table_privilege(current_user, '\"{table}\"', 'SELECT, INSERT')")
        assert cursor.fetchone()[0] is True


def _document(staff, render=True):
    return document_issue(
        kind=OfficialDocument.Kind.CONFIRMATION,
        title="关于确认工作室的通知",
        addressees="各县（市、区）人力资源和社会保障局",
        body={"paragraphs": ["特此通知。"]},
        actor=staff,
        seq=next_free_seq(series=series_for(OfficialDocument.Kind.CONFIRMATION), year=2026),  # as the office assigns
        issued_on=dt.date(2026, 5, 20),
        render=render,
    )


def test_an_issued_document_gets_its_pdf_once_and_is_never_rewritten(staff):
    document = _document(staff, render=False)
    document.pdf.save("late.pdf", ContentFile(b"%PDF-1.7 first"))  # filling the empty PDF in once is allowed
    assert OfficialDocument.objects.get(pk=document.pk).pdf.name
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        OfficialDocument.objects.filter(pk=document.pk).update(pdf="documents/forged.pdf")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        OfficialDocument.objects.filter(pk=document.pk).update(title="改过的标题")
    other = _document(staff, render=False)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        OfficialDocument.objects.filter(pk=other.pk).update(title="改过的标题", pdf="documents/x.pdf")
    with pytest.raises(DatabaseError, match=r"append-only|permission denied"), transaction.atomic():
        OfficialDocument.objects.filter(pk=other.pk).delete()
    assert OfficialDocument.objects.get(pk=other.pk).title == "关于确认工作室的通知"


def test_grants_follow_the_declared_list():
    statements = grant_sql("portal_app", append_only_tables())
    assert 'REVOKE UPDATE, DELETE ON "public"."review_ballot" FROM "portal_app"' in statements
    assert 'GRANT UPDATE ("id") ON "public"."review_ballot" TO "portal_app"' in statements
    assert 'REVOKE DELETE ON "public"."portal_officialdocument" FROM "portal_app"' in statements
    revokes = [s for s in statements if s.startswith("REVOKE") and "ALL TABLES" not in s]
    assert len(revokes) == len(append_only_tables()) + 2  # plus CREATE on the schema, writes to django_migrations
    assert len(append_only_tables()) >= len(settings.APPEND_ONLY_MODELS) - 1  # at most one declared ahead


def test_the_application_role_locks_an_entry_row_but_cannot_change_it(funded_entry):
    """Services lock entries (SELECT … FOR UPDATE) to serialise a review; the lock needs a column privilege, the
    change stays refused by the trigger."""
    from subsidies.models import Entry

    with transaction.atomic():
        assert Entry.objects.select_for_update().get(pk=funded_entry.pk)
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            Entry.objects.filter(pk=funded_entry.pk).update(id=funded_entry.pk)


@pytest.fixture
def funded_entry(staff, host_unit):
    from decimal import Decimal

    from subsidies.models import Entry, Ledger
    from workstations.models import State, Workstation

    ws = Workstation.objects.create(host_unit=host_unit, recommender=host_unit.county, state=State.ACTIVE)
    ledger = Ledger.objects.create(workstation=ws)
    return Entry.objects.create(
        ledger=ledger,
        kind="city_grant",
        source="city",
        amount=Decimal("100.00"),
        sign=1,
        date=dt.date(2026, 5, 20),
        description="补助",
        recorded_by=staff,
    )
