"""The audit trail (SPEC §5, MLPS 2.0 practice): every state change and every user action, append-only, hash-chained.

Each event stores the MAC of the one before it; :func:`verify_chain` recomputes the chain, so a removed or altered
record shows up as a gap or a mismatch. The database itself refuses UPDATE, DELETE and TRUNCATE on the table, and the
application role may not switch that off (``portal.dbroles``). Ballots never reach this trail: the vote endpoints are
excluded by URL name (``settings.AUDIT_EXCLUDED_URL_NAMES``) and the review services log no choice.

Tamper evidence that does not trust the database (issue 14 item 3): the links are HMAC-SHA256 under
``settings.AUDIT_HMAC_KEY``, which comes from the environment and is never stored in the database, so whoever can
rewrite rows cannot recompute a chain that verifies. The ledger's entries form a second chain with their amounts
(``subsidies.chain``). A scheduled job (``portal.checkpoints``) writes each chain head (sequence, MAC, time) where the
database administrator cannot rewrite it: a file, the supervisors' inbox and e-mail. Verification compares the chain
with those checkpoints, which catches what a consistent-looking chain hides: truncation, deleting the newest rows
and resetting the head, or a chain recomputed by someone who knows the key.
"""

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.models import User

GENESIS = "0" * 64
# Rows of AuditChainHead: one per chain, locked by every append to that chain.
AUDIT_CHAIN, LEDGER_CHAIN = 1, 2


def chain_mac(prev_hash: str, payload: dict) -> str:
    """The link of one record: HMAC-SHA256 of the previous link and the record's canonical JSON."""
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    key = settings.AUDIT_HMAC_KEY.encode()
    return hmac.new(key, (prev_hash + body).encode(), hashlib.sha256).hexdigest()


def chain_append(chain: int) -> "AuditChainHead":
    """Lock and return the head of ``chain`` (call inside a transaction, then :meth:`AuditChainHead.advance`)."""
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=chain)
    return head


class AuditChainHead(models.Model):
    """A single row locked by every append, so that sequence numbers and hashes never fork."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"

    def advance(self, seq: int, mac: str) -> None:
        self.seq, self.hash = seq, mac
        self.save(update_fields=["seq", "hash"])


class AuditEvent(models.Model):
    seq = models.BigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("event"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=40, default="ok")
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def payload(self) -> dict:
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "before": self.before,
            "after": self.after,
            "outcome": self.outcome,
            "ip": self.ip,
        }

    def compute_hash(self) -> str:
        return chain_mac(self.prev_hash, self.payload())


def _jsonable(value):
    return json.loads(json.dumps(value, ensure_ascii=False, default=str)) if value is not None else None


def audit_record(
    *,
    actor: "User | AnonymousUser | None",
    action: str,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    outcome: str = "ok",
    ip: str | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction when there is one."""
    with transaction.atomic():
        head = chain_append(AUDIT_CHAIN)
        event = AuditEvent(
            seq=head.seq + 1,
            at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=getattr(actor, "username", "") or "",
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            before=_jsonable(before),
            after=_jsonable(after),
            outcome=outcome,
            ip=ip,
            prev_hash=head.hash,
        )
        event.hash = event.compute_hash()
        event.save()
        head.advance(event.seq, event.hash)
    return event


@dataclass
class ChainReport:
    ok: bool
    checked: int
    problems: list[str]
    name: str = "audit"
    head_seq: int = 0
    head_hash: str = GENESIS
    checkpoints: int = 0


@dataclass(frozen=True)
class Checkpoint:
    """A chain head as it was at ``at``, sealed with the key so that a forged line shows."""

    chain: str
    seq: int
    hash: str
    at: str
    mac: str = field(default="", compare=False)

    def seal(self) -> str:
        message = f"checkpoint|{self.chain}|{self.seq}|{self.hash}|{self.at}".encode()
        return hmac.new(settings.AUDIT_HMAC_KEY.encode(), message, hashlib.sha256).hexdigest()

    @property
    def genuine(self) -> bool:
        return hmac.compare_digest(self.mac, self.seal())


def verify_links(
    name: str,
    noun: str,
    links: Iterable[tuple[int, str, str, str]],
    head,
    checkpoints: Iterable[Checkpoint] = (),
) -> ChainReport:
    """Walk ``links`` — (seq, prev_hash, stored MAC, recomputed MAC) in sequence order — against the chain's ``head``
    row and the checkpoints written outside the database."""
    problems: list[str] = []
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    stored_at: dict[int, str] = {}
    for seq, prev_hash, stored, computed in links:
        if seq != expected_seq:
            problems.append(f"{noun}s {expected_seq}–{seq - 1} are missing")
        if prev_hash != expected_prev:
            problems.append(f"{noun} {seq} does not follow the {noun} before it")
        if not hmac.compare_digest(computed, stored):
            problems.append(f"{noun} {seq} was altered")
        stored_at[seq] = stored
        expected_prev, expected_seq = stored, seq + 1
        checked += 1
    last = expected_seq - 1
    if head is None and checked:
        problems.append(f"the head of the {name} chain is missing")
    elif head is not None and (head.seq != last or head.hash != expected_prev):
        problems.append(f"the newest {noun}s after {last} are missing")
    count = 0
    for checkpoint in checkpoints:
        if checkpoint.chain != name:
            continue
        count += 1
        if not checkpoint.genuine:
            problems.append(f"the checkpoint of {checkpoint.at} is not genuine (altered, or sealed with another key)")
        elif checkpoint.seq > last:
            problems.append(
                f"the checkpoint of {checkpoint.at} saw {noun} {checkpoint.seq}, but the chain now ends at {last}: "
                f"{noun}s were removed"
            )
        elif checkpoint.seq and stored_at.get(checkpoint.seq) != checkpoint.hash:
            problems.append(
                f"{noun} {checkpoint.seq} differs from the checkpoint of {checkpoint.at}: the chain was rewritten"
            )
    return ChainReport(
        ok=not problems,
        checked=checked,
        problems=problems,
        name=name,
        head_seq=last,
        head_hash=expected_prev,
        checkpoints=count,
    )


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def read_checkpoints(path: Path | str | None = None) -> list[Checkpoint]:
    """The checkpoints in a JSON-lines file (the configured one by default); a damaged line counts as not genuine."""
    path = Path(path) if path else checkpoint_path()
    if not path.exists():
        return []
    checkpoints = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            checkpoints.append(
                Checkpoint(chain=data["chain"], seq=int(data["seq"]), hash=data["hash"], at=data["at"], mac=data["mac"])
            )
        except (ValueError, KeyError, TypeError):
            checkpoints.append(Checkpoint(chain="audit", seq=0, hash="", at=f"line {number}", mac="damaged"))
    return checkpoints


def verify_chain(checkpoints: Iterable[Checkpoint] | None = None) -> ChainReport:
    """Recompute every MAC in order; report gaps (removed records), mismatches (altered records) and disagreements
    with the checkpoints (by default those in ``settings.AUDIT_CHECKPOINT_FILE``)."""
    if checkpoints is None:
        checkpoints = read_checkpoints()
    links = (
        (event.seq, event.prev_hash, event.hash, event.compute_hash())
        for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
    )
    head = AuditChainHead.objects.filter(pk=AUDIT_CHAIN).first()
    return verify_links("audit", "record", links, head, checkpoints)
