"""Private files that appear whole, and only for committed work (issue 22; docs/operations.md "Files").

:class:`TransactionalFileSystemStorage` is the ``private`` storage. Saving a file inside a database transaction
copies the content into an anonymous temporary file (no name on disk, gone with the process) and registers the write
with ``transaction.on_commit``. When the transaction commits, the file is written beside its final place, flushed to
disk and renamed into place in one step (``os.replace``); when it rolls back, nothing was ever written under its name.
So a numbered document whose transaction fails leaves no PDF carrying the number, and a process killed mid-write
leaves at most a ``.part`` file that no row names — never a half-written file under a real name. Deleting waits
for the commit in the same way. Outside a transaction (autocommit) the write happens at once, still atomically.

Within the transaction that saved it, a file can be read back (``open``, ``exists``, ``size``) as rows can, so code
that renders, stores and checks in one transaction keeps working.

:func:`orphan_files_remove` (daily, ``portal.tasks.remove_orphan_files``) deletes files older than a day that no row
refers to and counts rows whose file is missing.
"""

import datetime as dt
import logging
import os
import tempfile
import time
import uuid
from pathlib import Path

from django.apps import apps
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage
from django.db import models, transaction

logger = logging.getLogger(__name__)

PART_SUFFIX = ".part"
ORPHAN_AGE = dt.timedelta(days=1)


class _PendingWrite:
    """A file waiting for its transaction to commit (kept in the connection's on-commit list, so that a rollback —
    of the transaction or of a savepoint — drops it exactly as it drops the other callbacks)."""

    def __init__(self, storage: "TransactionalFileSystemStorage", name: str, spool):
        self.location, self.name, self.spool = storage.location, name, spool
        self.storage = storage
        self.done = False

    def __call__(self) -> None:
        try:
            self.spool.seek(0)
            self.storage._write_atomically(self.name, self.spool)
        finally:
            self.done = True
            self.spool.close()

    def read(self) -> bytes:
        self.spool.seek(0)
        return self.spool.read()


class _PendingDelete:
    def __init__(self, storage: "TransactionalFileSystemStorage", name: str):
        self.location, self.name, self.storage = storage.location, name, storage
        self.done = False

    def __call__(self) -> None:
        self.done = True
        FileSystemStorage.delete(self.storage, self.name)


class TransactionalFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        spool = tempfile.TemporaryFile()  # noqa: SIM115  (closed by _PendingWrite once written or dropped)
        if hasattr(content, "seek"):
            content.seek(0)
        for chunk in content.chunks() if hasattr(content, "chunks") else [content.read()]:
            spool.write(chunk)
        transaction.on_commit(_PendingWrite(self, name, spool))  # at once when no transaction is open
        return name

    def _write_atomically(self, name: str, source) -> None:
        full_path = Path(self.path(name))
        full_path.parent.mkdir(parents=True, exist_ok=True)
        if self.directory_permissions_mode is not None:
            full_path.parent.chmod(self.directory_permissions_mode)
        part = full_path.with_name(f".{full_path.name}.{uuid.uuid4().hex}{PART_SUFFIX}")
        try:
            with open(part, "xb") as out:
                while chunk := source.read(1024 * 1024):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if self.file_permissions_mode is not None:
                part.chmod(self.file_permissions_mode)
            # The row that committed owns its name (names are numbers or random): a stale file there is replaced.
            os.replace(part, full_path)
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        _fsync_directory(full_path.parent)

    def _pending(self, name: str):
        """The last write or delete of ``name`` still waiting for this thread's transaction, if any."""
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            return None
        found = None
        for entry in connection.run_on_commit:
            func = entry[1]
            if (
                isinstance(func, (_PendingWrite, _PendingDelete))
                and not func.done
                and (func.location, func.name) == (self.location, name)
            ):
                found = func
        return found

    def _open(self, name, mode="rb"):
        pending = self._pending(name)
        if isinstance(pending, _PendingWrite):
            return ContentFile(pending.read(), name=name)
        if isinstance(pending, _PendingDelete):
            raise FileNotFoundError(name)
        return File(open(self.path(name), mode), name=name)

    def exists(self, name):
        pending = self._pending(name)
        if pending is not None:
            return isinstance(pending, _PendingWrite)
        return super().exists(name)

    def size(self, name):
        pending = self._pending(name)
        if isinstance(pending, _PendingWrite):
            pending.spool.seek(0, os.SEEK_END)
            return pending.spool.tell()
        return super().size(name)

    def delete(self, name):
        if not name:
            raise ValueError("The name must be given to delete().")
        transaction.on_commit(_PendingDelete(self, name))


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (the file's data was synced before it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _private_file_fields():
    from portal.uploads import private_storage

    location = os.path.abspath(private_storage.location)
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and os.path.abspath(field.storage.location) == location:
                yield model, field


def orphan_files_remove(*, older_than: dt.timedelta = ORPHAN_AGE, dry_run: bool = False) -> dict[str, int]:
    """Delete private files older than ``older_than`` that no row names (and ``.part`` leftovers of interrupted
    writes); count rows whose file is missing. Returns ``{"removed": n, "kept": n, "missing": n}``."""
    from portal.uploads import private_storage

    root = Path(private_storage.location)
    referenced: set[str] = set()
    missing = 0
    for model, field in _private_file_fields():
        names = model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
        for name in names.iterator(chunk_size=2000):
            referenced.add(name)
            if not (root / name).is_file():
                missing += 1
                logger.error("%s.%s refers to a missing file: %s", model._meta.label, field.name, name)
    cutoff = time.time() - older_than.total_seconds()
    removed = kept = 0
    if root.is_dir():
        for path in root.rglob("*"):
            if not path.is_file():
                continue
            name = path.relative_to(root).as_posix()
            if name in referenced:
                kept += 1
                continue
            if path.stat().st_mtime > cutoff:
                continue  # young: perhaps a write whose row is about to commit
            if not dry_run:
                path.unlink(missing_ok=True)
            removed += 1
            logger.info("orphan file removed: %s", name)
    logger.info("orphan files: %d removed, %d kept, %d rows with a missing file", removed, kept, missing)
    return {"removed": removed, "kept": kept, "missing": missing}
