"""Art. 6(4): the public's objections to a candidate on a published list: filing one in real name during the
window (with a tracking code shown once), finding it by that code, the staff's investigation and decision."""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.formatting import format_date
from portal.models import User
from portal.notifications import city_staff_users, notify
from portal.publiccache import bump_public_version
from portal.refusals import Refusal
from portal.roles import Role
from portal.uploads import store_upload
from review.publicity.models import (
    Objection,
    ObjectionEvidence,
    PublicityEntry,
    PublicityList,
    submission_hash,
    tracking_hash,
)
from review.publicity.notice_pdf import notice_pdf_render_after_commit
from review.publicity.services import _clear_if_ready
from workstations.models import State, Workstation
from workstations.services.lifecycle import TransitionRefused, workstation_transition

TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone


class ObjectionRefused(Refusal):
    """An objection that may not be filed (the window is closed, the candidate is not on the list)."""


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@dataclass
class FiledObjection:
    objection: Objection
    tracking_code: str | None  # shown to the objector once; only its hash is stored (None for a repeat)
    repeated: bool = False  # the same form was sent again: nothing new was filed


def objection_file(
    *,
    entry: PublicityEntry,
    objector_name: str,
    objector_phone: str,
    facts: str,
    evidence: list | None = None,
    now: dt.datetime | None = None,
    submission_token: str = "",
) -> FiledObjection:
    """Art. 6(4): anyone may object, in real name, during the window; after it the objection is refused.

    ``submission_token`` is the form's one-time token: the same form sent twice (a reload of the receipt, a double
    click, a second tab) files one objection and sends one set of e-mails; the repeat gets the first one back.
    """
    token_hash = submission_hash(submission_token) if submission_token else None
    if token_hash:
        earlier = Objection.objects.filter(submission_hash=token_hash).first()
        if earlier is not None:
            return FiledObjection(objection=earlier, tracking_code=None, repeated=True)
    try:
        return _objection_file(
            entry=entry,
            objector_name=objector_name,
            objector_phone=objector_phone,
            facts=facts,
            evidence=evidence,
            now=now,
            token_hash=token_hash,
        )
    except IntegrityError:
        earlier = Objection.objects.filter(submission_hash=token_hash).first() if token_hash else None
        if earlier is None:
            raise
        return FiledObjection(objection=earlier, tracking_code=None, repeated=True)


def _objection_file(*, entry, objector_name, objector_phone, facts, evidence, now, token_hash) -> FiledObjection:
    with transaction.atomic():
        # The candidate's row first, as the closing job locks it: an objection and the clearing serialise, so a
        # candidate is never cleared while an objection filed in time is still being written.
        candidate = Workstation.objects.select_for_update().get(pk=entry.workstation_id)
        publicity_list = PublicityList.objects.get(pk=entry.publicity_list_id)
        now = now or timezone.now()
        if not publicity_list.is_open(now) or candidate.state != State.IN_PUBLICITY:
            raise ObjectionRefused(
                _("The publicity period of this list ended on %(date)s; objections are no longer accepted.")
                % {"date": format_date(publicity_list.last_day)}
            )
        code = new_tracking_code()
        objection = Objection.objects.create(
            entry=entry,
            tracking_hash=tracking_hash(code),
            objector_name=objector_name.strip(),
            objector_phone=objector_phone.strip(),
            facts=facts.strip(),
            filed_at=now,
            submission_hash=token_hash,
        )
        for uploaded in evidence or []:
            ObjectionEvidence.objects.create(objection=objection, file=store_upload(uploaded=uploaded, actor=None))
        notify(
            recipients=city_staff_users(),
            message="publicity.objection",
            params={"name": entry.workstation_name},
            url=reverse("publicity:objection_detail", args=[objection.pk]),
        )
    return FiledObjection(objection=objection, tracking_code=code)


def objection_find(code: str) -> Objection | None:
    return Objection.objects.select_related("entry").filter(tracking_hash=tracking_hash(code)).first()


def objection_investigate(*, objection: Objection, investigation: str, actor: User) -> Objection:
    """Staff record what they found; the objection is then under investigation. The record may be amended (each
    version is in the audit trail) until the objection is decided."""
    if not investigation.strip():
        raise TransitionRefused([_("Write down what the investigation found.")])
    with transaction.atomic():
        locked = Objection.objects.select_for_update().get(pk=objection.pk)
        if locked.is_resolved:
            raise TransitionRefused([_("This objection has already been decided.")])
        locked.investigation = investigation.strip()
        locked.investigated_by = actor
        locked.status = Objection.Status.INVESTIGATING
        locked.save(update_fields=["investigation", "investigated_by", "status"])
        audit_record(
            actor=actor,
            action="objection.investigate",
            obj=locked,
            after={"status": locked.status, "investigation": locked.investigation},
        )
        bump_public_version()
    return locked


def objection_decide(*, objection: Objection, upheld: bool, reason: str, actor: User) -> Objection:
    """Art. 6(4): staff decide an objection with a reason the objector reads through the tracking code.

    Upheld: the candidate is not recognised. Dismissed: when the window is over and nothing else is undecided, the
    candidate is cleared now rather than at the next run of the closing job.
    """
    if not actor.has_role(Role.CITY_STAFF):
        raise PermissionDenied(_("Only city bureau staff decide objections."))
    if not reason.strip():
        raise TransitionRefused([_("Please give a reason; the objector will read it.")])
    with transaction.atomic():
        locked = Objection.objects.select_for_update().select_related("entry").get(pk=objection.pk)
        if locked.is_resolved:
            raise TransitionRefused([_("This objection has already been decided.")])
        if not locked.investigation.strip():
            raise TransitionRefused(
                [_("Record the investigation (调查核实) first: a decision rests on what was found.")]
            )
        locked.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
        locked.decision_reason = reason.strip()
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save(update_fields=["status", "decision_reason", "decided_at", "decided_by"])
        audit_record(actor=actor, action=f"objection.{locked.status}", obj=locked, after={"reason": reason.strip()})
        entry = locked.entry
        if upheld and entry.workstation.state == State.IN_PUBLICITY:
            workstation_transition(
                workstation=entry.workstation_id, transition="uphold_objection", actor=actor, reason=reason
            )
            PublicityEntry.objects.filter(pk=entry.pk).update(outcome=PublicityEntry.Outcome.NOT_RECOGNISED)
        bump_public_version()
    if not upheld:
        _clear_if_ready(entry, actor=actor)
    notice_pdf_render_after_commit(entry.publicity_list_id)  # an outcome the notice shows may have changed
    return locked
