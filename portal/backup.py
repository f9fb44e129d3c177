"""Backup and restore of the database and the private uploads (SPEC §5: "backups that restore").

A backup is one folder: ``database.dump`` (``pg_dump --format=custom`` on PostgreSQL, a consistent SQLite copy made
with SQLite's online backup API otherwise), ``files.tar.gz`` (the private uploads) and ``manifest.json`` with the
SHA-256 of both. Encrypted fields stay encrypted in the dump: restoring needs the same FIELD_ENCRYPTION_KEYS.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

MANIFEST = "manifest.json"


def _private_root() -> Path:
    return Path(settings.STORAGES["private"]["OPTIONS"]["location"])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env_and_args(db: dict) -> tuple[dict, list[str]]:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--host", str(db.get("HOST") or "localhost"), "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, args


def make_backup(target: Path, *, using: str = DEFAULT_DB_ALIAS) -> Path:
    connection = connections[using]
    target.mkdir(parents=True, exist_ok=True)
    db = connection.settings_dict
    dump = target / "database.dump"
    if connection.vendor == "postgresql":
        env, args = _pg_env_and_args(db)
        subprocess.run(  # nosec B603 B607
            ["pg_dump", "--format=custom", "--no-owner", *args, "--file", str(dump), str(db["NAME"])],
            check=True,
            env=env,
        )
    else:
        connection.ensure_connection()
        with sqlite3.connect(dump) as out:
            connection.connection.backup(out)
    files = target / "files.tar.gz"
    with tarfile.open(files, "w:gz") as tar:
        root = _private_root()
        if root.exists():
            tar.add(root, arcname="private")
    manifest = {
        "created_at": datetime.now(UTC).isoformat(),
        "vendor": connection.vendor,
        "database.dump": _sha256(dump),
        "files.tar.gz": _sha256(files),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return target


def restore_backup(source: Path, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Restore into the configured database, which must be empty (migrated databases are refused)."""
    connection = connections[using]
    manifest = json.loads((source / MANIFEST).read_text())
    for part in ("database.dump", "files.tar.gz"):
        if _sha256(source / part) != manifest[part]:
            raise ValueError(f"{part} does not match its checksum in the manifest: the backup is damaged")
    if manifest["vendor"] != connection.vendor:
        raise ValueError(f"this backup is of a {manifest['vendor']} database, not {connection.vendor}")
    if connection.introspection.table_names():
        raise ValueError("the target database is not empty; restore only into an empty database")
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        env, args = _pg_env_and_args(db)
        subprocess.run(  # nosec B603 B607
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                *args,
                "--dbname",
                str(db["NAME"]),
                str(source / "database.dump"),
            ],
            check=True,
            env=env,
        )
    else:
        connection.ensure_connection()
        with sqlite3.connect(source / "database.dump") as src:
            src.backup(connection.connection)
    root = _private_root()
    with tarfile.open(source / "files.tar.gz", "r:gz") as tar:
        staging = root.parent / f".restore-{os.getpid()}"
        tar.extractall(staging, filter="data")
        if (staging / "private").exists():
            root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(staging / "private", root, dirs_exist_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
