"""Checkpoints of the hash chains, kept where the database administrator cannot rewrite them (issue 14 item 3).

Every ``settings.AUDIT_CHECKPOINT_SECONDS`` Celery beat runs :func:`write_checkpoints`: for each chain in
``settings.PORTAL_HASH_CHAINS`` (the audit trail, the ledgers) it verifies the chain and, when the head moved, appends
one sealed line ``{"chain", "seq", "hash", "at", "mac"}`` to ``settings.AUDIT_CHECKPOINT_FILE`` (outside the database;
copy it off the machine with the backups) and sends the same figures to every supervisor's inbox and e-mail. A broken
chain is reported to them at once. ``verify_audit_trail`` and ``/audit/`` compare the chains with these lines, and
``verify_audit_trail --checkpoints FILE`` with a copy kept elsewhere.
"""

import json
import logging
import os

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

# The file's reading lives beside the chain it checks (portal.audit), which must not import this module (issue 20).
from portal.audit import ChainReport, Checkpoint, checkpoint_path, read_checkpoints

logger = logging.getLogger(__name__)


def verify_all(checkpoints: list[Checkpoint] | None = None) -> list[ChainReport]:
    """Verify every registered chain against ``checkpoints`` (the configured file by default)."""
    if checkpoints is None:
        checkpoints = read_checkpoints()
    return [import_string(path)(checkpoints=checkpoints) for path in settings.PORTAL_HASH_CHAINS.values()]


def _latest(checkpoints: list[Checkpoint], chain: str) -> Checkpoint | None:
    mine = [c for c in checkpoints if c.chain == chain and c.genuine]
    return mine[-1] if mine else None


def _append(lines: list[str]) -> None:
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, "".join(f"{line}\n" for line in lines).encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def _supervisors():
    from portal.models import User
    from portal.roles import OrgKind

    return User.objects.filter(organisation__kind=OrgKind.DISCIPLINE_GROUP, is_active=True)


def write_checkpoints() -> list[Checkpoint]:
    """Verify each chain, seal its head into the checkpoint file and send it to the supervisors."""
    from portal.notifications import notify

    existing = read_checkpoints()
    reports = verify_all(existing)
    at = timezone.now().isoformat(timespec="seconds")
    written: list[Checkpoint] = []
    for report in reports:
        latest = _latest(existing, report.name)
        if latest and (latest.seq, latest.hash) == (report.head_seq, report.head_hash):
            continue  # nothing appended since the last checkpoint
        checkpoint = Checkpoint(chain=report.name, seq=report.head_seq, hash=report.head_hash, at=at)
        written.append(Checkpoint(**{**checkpoint.__dict__, "mac": checkpoint.seal()}))
    if written:
        _append([json.dumps(c.__dict__, sort_keys=True) for c in written])
        body = "\n".join(f"{c.chain}: #{c.seq} {c.hash} ({c.at})" for c in written)
        with transaction.atomic():
            notify(
                recipients=_supervisors(),
                message="audit.checkpoint",
                params={"figures": body},
                url="/audit/",
            )
    broken = [r for r in reports if not r.ok]
    if broken:
        logger.error("hash chain verification failed: %s", "; ".join(p for r in broken for p in r.problems))
        with transaction.atomic():
            notify(
                recipients=_supervisors(),
                message="audit.chain_broken",
                text="\n".join(p for r in broken for p in r.problems),
                url="/audit/?verify=1",
                dedup_key=f"chain-broken:{at[:13]}",  # at most one alarm an hour
            )
    return written


@shared_task(name="portal.checkpoints.write_chain_checkpoints")
def write_chain_checkpoints() -> int:
    return len(write_checkpoints())
