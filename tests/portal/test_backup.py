"""A backup restored into an empty database gives back identical data and files."""

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from portal.audit import audit_record
from portal.backup import make_backup, restore_backup
from portal.uploads import store_upload
from tests.portal.test_infrastructure import PNG
from tests.support.dbroles import owner_url
from workstations.models import State, Workstation
from workstations.services.lifecycle import workstation_transition


def _text(value) -> str:
    """Compare values as stored, whichever driver read them."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, dict | list):  # the raw PostgreSQL driver decodes jsonb, Django's cursor leaves it text
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _rows(cursor, tables) -> dict[str, list]:
    rows = {}
    for table in sorted(tables):
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from introspection)
        rows[table] = sorted(tuple(map(_text, r)) for r in cursor.fetchall())
    return rows


@pytest.fixture
def empty_database(tmp_path):
    """A new, empty database and the DATABASE_URL that reaches it (restores run as the real command would)."""
    if connection.vendor == "postgresql":
        import psycopg

        name = f"restore_{uuid.uuid4().hex[:10]}"
        # Restoring is the owner's job (the application role may create neither databases nor tables).
        admin = psycopg.connect(owner_url("postgres").replace("postgres://", "postgresql://", 1), autocommit=True)
        admin.execute(f'CREATE DATABASE "{name}"')
        url = owner_url(name)

        def open_cursor():
            conn = psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True)
            return conn, conn.cursor()

        yield url, open_cursor
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    else:
        path = tmp_path / "restored.sqlite3"

        def open_cursor():
            conn = sqlite3.connect(path)
            return conn, conn.cursor()

        yield f"sqlite:///{path}", open_cursor


@pytest.mark.django_db(transaction=True)
def test_backup_restores_identical_data_and_files(tmp_path, settings, host_unit, clerk, empty_database):
    ws = Workstation.objects.create(host_unit=host_unit, recommender=host_unit.county, state=State.SUBMITTED)
    workstation_transition(workstation=ws, transition="return_for_revision", actor=clerk, reason="补充材料")
    audit_record(actor=clerk, action="test.backup", after={"说明": "备份前"})
    stored = store_upload(uploaded=SimpleUploadedFile("证书.png", PNG), actor=clerk)
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        before = _rows(cursor, tables)

    backup_dir = make_backup(tmp_path / "backup")
    private = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    stored_path = private / stored.file.name
    stored_path.unlink()  # the disk is lost

    url, open_cursor = empty_database
    env = {**os.environ, "DATABASE_URL": url, "PRIVATE_MEDIA_ROOT": str(private)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup_dir)], check=True, env=env, cwd=settings.BASE_DIR
    )
    conn, cursor = open_cursor()
    with conn:
        assert _rows(cursor, tables) == before
    assert stored_path.read_bytes() == PNG


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_backup_or_a_database_in_use(tmp_path, host_unit):
    backup_dir = make_backup(tmp_path / "backup")
    with pytest.raises(ValueError, match="not empty"):
        restore_backup(backup_dir)
    with (backup_dir / "files.tar.gz").open("ab") as fh:
        fh.write(b"garbage")
    with pytest.raises(ValueError, match="checksum"):
        restore_backup(backup_dir)
