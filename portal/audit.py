"""The audit trail (SPEC §5, MLPS 2.0 practice): every state change and every user action, append-only, hash-chained.

Each event stores the hash of the one before it; :func:`verify_chain` recomputes the chain, so a removed or altered
record shows up as a gap or a mismatch. The database itself refuses UPDATE and DELETE on the table (triggers created
in migration ``portal.0003``). Ballots never reach this trail: the vote endpoints are excluded by URL name
(``settings.AUDIT_EXCLUDED_URL_NAMES``) and the review services log no choice.
"""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class AuditChainHead(models.Model):
    """A single row locked by every append, so that sequence numbers and hashes never fork."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


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
        body = json.dumps(self.payload(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256((self.prev_hash + body).encode()).hexdigest()


def _jsonable(value):
    return json.loads(json.dumps(value, ensure_ascii=False, default=str)) if value is not None else None


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    outcome: str = "ok",
    ip: str | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction when there is one."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
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
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass
class ChainReport:
    ok: bool
    checked: int
    problems: list[str]


def verify_chain() -> ChainReport:
    """Recompute every hash in order; report gaps (removed records) and mismatches (altered records)."""
    problems: list[str] = []
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            problems.append(f"records {expected_seq}–{event.seq - 1} are missing")
        if event.prev_hash != expected_prev:
            problems.append(f"record {event.seq} does not follow the record before it")
        if event.compute_hash() != event.hash:
            problems.append(f"record {event.seq} was altered")
        expected_prev, expected_seq = event.hash, event.seq + 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        problems.append(f"the newest records after {expected_seq - 1} are missing")
    return ChainReport(ok=not problems, checked=checked, problems=problems)
