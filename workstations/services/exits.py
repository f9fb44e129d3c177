"""Art. 11(4): natural and forced exit, each ending in a numbered document, the transition and plaque removal."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.documents.services import (
    DocumentRefused,
    document_issue,
    verification_revoke_number,
)
from portal.formatting import format_date
from portal.models import User
from portal.notifications import city_staff_users, notify, notify_organisation
from portal.publiccache import bump_public_version
from portal.refusals import Refusal
from portal.roles import Role
from portal.uploads import store_upload
from portal.workdays.services import CalendarNotCovered, nth_working_day_after
from workstations.models import OPERATING_STATES, Workstation
from workstations.models.exits import ExitCase, ExitGround, ExitKind, ExitStatus, kind_of
from workstations.services import exit_evidence
from workstations.services.exit_documents import _exit_document_args, reply_problems
from workstations.services.lifecycle import TransitionRefused, workstation_transition
from workstations.services.plaques import plaque_remove

# Art. 11(4)2: before a forced exit is confirmed the host unit may answer; it has this many working days to do so.
STATEMENT_WORKING_DAYS = 5


class ExitRefused(Refusal):
    """An exit step that may not be taken now; ``message`` says why, in the user's language."""


def _check_operating(workstation: Workstation) -> None:
    if workstation.state not in OPERATING_STATES:
        raise ExitRefused(_("Only an active workstation or one under rectification can exit."))


def _open_case(*, workstation, ground, facts, actor: User, source_reference="", evidence=()) -> ExitCase:
    try:
        with transaction.atomic():
            case = ExitCase.objects.create(
                workstation=workstation,
                kind=kind_of(ground),
                ground=ground,
                facts=facts.strip(),
                source_reference=source_reference.strip(),
                proposed_by=actor,
            )
    except IntegrityError as exc:
        raise ExitRefused(_("An exit case for this workstation is already open; decide it first.")) from exc
    for uploaded in evidence:
        case.evidence.add(store_upload(uploaded=uploaded, actor=actor))
    audit_record(actor=actor, action="exit.proposed", obj=case, after={"ground": ground, "kind": case.kind})
    return case


def exit_request(*, workstation: Workstation, reason: str, signature_page, actor: User) -> ExitCase:
    """Art. 11(4)1: the host unit applies to deregister its own workstation, with a signed page."""
    if not (actor.has_role(Role.HOST_UNIT) and actor.organisation_id == workstation.host_unit_id):
        raise PermissionDenied(_("Only the host unit of this workstation can apply for its deregistration."))
    with transaction.atomic():
        locked = Workstation.objects.select_for_update().get(pk=workstation.pk)
        _check_operating(locked)
        case = _open_case(
            workstation=locked, ground=ExitGround.OWN_REQUEST, facts=reason, actor=actor, evidence=[signature_page]
        )
        notify(
            recipients=city_staff_users(),
            message="exit.requested",
            params={"name": locked.name},
            text=reason,
            url=reverse("workstations:exit_detail", args=[case.pk]),
        )
    return case


def _qualifying_record(workstation: Workstation, ground: str, key: str):
    """Art. 11(4)2: the linked record a ground must rest on (None when the ground needs none); refused otherwise,
    naming the records that exist and their state (e.g. a rectification still running until its deadline)."""
    provider = exit_evidence.provider(ground)
    if provider is None:
        return None
    records = provider.candidates(workstation)
    chosen = next((r for r in records if key and r.key == str(key)), None)
    if chosen is not None and chosen.qualifies:
        return chosen
    message = str(provider.MISSING)
    if records:
        message += " " + _("On record: %(records)s.") % {
            "records": "；".join(f"{r.label}（{r.state}）" for r in records)
        }
    raise ExitRefused(message)


def exit_propose(
    *,
    workstation: Workstation,
    ground: str,
    facts: str,
    actor: User,
    evidence=(),
    source_reference: str = "",
    evidence_record: str = "",
) -> ExitCase:
    """City staff propose an exit on one of the grounds of Art. 11(4) (other than the host unit's own request).

    A forced exit on failed rectification or on misuse of funds rests on a record (``evidence_record``: the failed
    rectification, or the audit finding of misuse), linked to the case so its page shows the record's live state.
    """
    if not actor.has_role(Role.CITY_STAFF):
        raise PermissionDenied(_("Only city bureau staff can propose an exit."))
    if ground == ExitGround.OWN_REQUEST:
        raise ExitRefused(_("A deregistration on request is filed by the host unit itself."))
    with transaction.atomic():
        locked = Workstation.objects.select_for_update().get(pk=workstation.pk)
        _check_operating(locked)
        record = _qualifying_record(locked, ground, evidence_record)
        case = _open_case(
            workstation=locked,
            ground=ground,
            facts=facts,
            actor=actor,
            evidence=evidence,
            source_reference=source_reference,
        )
        if record is not None:
            exit_evidence.provider(ground).attach(case, record.key)
        notify(
            recipients=city_staff_users().exclude(pk=actor.pk),
            message="exit.second_confirmation",
            params={"name": locked.name, "who": actor.full_name or actor.username, "ground": case.ground},
            url=reverse("workstations:exit_detail", args=[case.pk]),
        )
        notify_organisation(
            organisation=locked.host_unit,
            message="exit.proposed",
            params={"name": locked.name, "ground": case.ground},
            url=reverse("workstations:exit_detail", args=[case.pk]),
        )
    return case


def exit_statement(*, case: ExitCase, statement: str, actor: User) -> ExitCase:
    """The host unit answers a proposed exit before it is decided."""
    if not (actor.has_role(Role.HOST_UNIT) and actor.organisation_id == case.workstation.host_unit_id):
        raise PermissionDenied(_("Only the host unit can file a statement."))
    if not statement.strip():
        raise ExitRefused(_("Please write the statement."))
    with transaction.atomic():
        locked = ExitCase.objects.select_for_update().get(pk=case.pk)
        if locked.status != ExitStatus.PROPOSED:
            raise ExitRefused(_("This case has been decided; a statement can no longer be filed."))
        locked.statement, locked.statement_by, locked.statement_at = statement.strip(), actor, timezone.now()
        locked.save(update_fields=["statement", "statement_by", "statement_at"])
        audit_record(actor=actor, action="exit.statement", obj=locked)
        notify(
            recipients=[locked.proposed_by],
            message="exit.statement",
            params={"name": locked.workstation.name},
            url=reverse("workstations:exit_detail", args=[locked.pk]),
        )
    return locked


def statement_deadline(case: ExitCase) -> dt.date:
    """The last working day on which the host unit may still answer a proposed forced exit."""
    return nth_working_day_after(timezone.localtime(case.proposed_at).date(), STATEMENT_WORKING_DAYS)


def confirmation_problems(case: ExitCase, actor: User) -> list[str]:
    """Why ``actor`` cannot confirm ``case`` now (empty when they can)."""
    problems = []
    if case.status != ExitStatus.PROPOSED:
        problems.append(_("This case has already been decided."))
        return problems
    problems.extend(exit_evidence.missing_evidence(case))
    if case.ground != ExitGround.OWN_REQUEST and case.proposed_by_id == actor.pk:
        problems.append(_("Two-person rule: the member of staff who proposed an exit cannot confirm it."))
    if case.is_forced and not case.statement_at:
        try:
            deadline = statement_deadline(case)
        except CalendarNotCovered as exc:
            problems.append(str(exc))
        else:
            if timezone.localdate() <= deadline:
                problems.append(
                    _("The host unit may file a statement until %(date)s; confirm after that or once it has answered.")
                    % {"date": format_date(deadline)}
                )
    return problems


def exit_confirm(
    *,
    case: ExitCase,
    actor: User,
    seq: int,
    issued_on: dt.date,
    statement_reply: str = "",
    note: str = "",
    removed_on: dt.date | None = None,
) -> ExitCase:
    """Confirm an exit: the decision document under the number the office assigned, ``deregister`` / ``revoke``,
    plaque removal — all or nothing. The issue date lies between the proposal (and statement) and today."""
    if not actor.has_role(Role.CITY_STAFF):
        raise PermissionDenied(_("Only city bureau staff can confirm an exit."))
    with transaction.atomic():
        locked = ExitCase.objects.select_for_update().select_related("workstation__host_unit").get(pk=case.pk)
        problems = confirmation_problems(locked, actor) + reply_problems(locked, statement_reply)
        if problems:
            raise ExitRefused(" ".join(problems))
        try:
            document = document_issue(
                **_exit_document_args(locked, statement_reply=statement_reply),
                actor=actor,
                seq=seq,
                issued_on=issued_on,
            )
        except DocumentRefused as exc:
            raise ExitRefused(str(exc)) from exc
        locked.status, locked.decided_by, locked.decided_at = ExitStatus.CONFIRMED, actor, timezone.now()
        locked.decision_note, locked.document = note.strip(), document
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "document"])
        transition = "deregister" if locked.kind == ExitKind.NATURAL else "revoke"
        try:
            workstation_transition(
                workstation=locked.workstation,
                transition=transition,
                actor=actor,
                reason=f"{locked.get_ground_display()} · {document.number}",
            )
        except TransitionRefused as exc:
            raise ExitRefused(str(exc)) from exc
        plaque = getattr(locked.workstation, "plaque", None)
        if plaque is not None:
            plaque_remove(plaque=plaque, removed_on=removed_on or issued_on, reason=document.number, actor=actor)
            verification_revoke_number(number=plaque.number, by_number=document.number, revoked_on=issued_on)
        audit_record(
            actor=actor,
            action="exit.confirmed",
            obj=locked,
            after={"document": document.number, "statement_reply": statement_reply.strip()},
        )
        bump_public_version()  # Art. 11(4): the public directory shows the exit at once
        notify_organisation(
            organisation=locked.workstation.host_unit,
            message="exit.confirmed",
            params={"name": locked.workstation.name, "decision": locked.kind, "number": document.number},
            url=reverse("workstations:exit_detail", args=[locked.pk]),
        )
    return locked


def exit_reject(*, case: ExitCase, actor: User, note: str) -> ExitCase:
    """Staff decide not to confirm a proposed exit (the workstation stays as it is)."""
    if not actor.has_role(Role.CITY_STAFF):
        raise PermissionDenied(_("Only city bureau staff can decide an exit."))
    if not note.strip():
        raise ExitRefused(_("Please give a reason."))
    with transaction.atomic():
        locked = ExitCase.objects.select_for_update().get(pk=case.pk)
        if locked.status != ExitStatus.PROPOSED:
            raise ExitRefused(_("This case has already been decided."))
        locked.status, locked.decided_by, locked.decided_at = ExitStatus.REJECTED, actor, timezone.now()
        locked.decision_note = note.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(actor=actor, action="exit.rejected", obj=locked, after={"note": locked.decision_note})
        notify_organisation(
            organisation=locked.workstation.host_unit,
            message="exit.rejected",
            params={"name": locked.workstation.name},
            text=locked.decision_note,
            url=reverse("workstations:exit_detail", args=[locked.pk]),
        )
    return locked


# Art. 11(4)1: a year or more (the measures' ``no_lead_exit_years``) without a qualified lead mentor; staff are
# warned this many days before it becomes a ground for natural exit (300 days into a one-year vacancy).
NO_MENTOR_WARN_AHEAD_DAYS = 65


def detect_missing_lead_mentors(*, as_of: dt.date | None = None) -> dict[str, int]:
    """Daily job: flag to staff the operating workstations whose lack of a qualified lead mentor is a ground for
    natural exit on ``as_of`` (the years of the measures in force that day), and warn NO_MENTOR_WARN_AHEAD_DAYS
    before, with the evidence (since when, from the mentor-change reports). Idempotent: each workstation is flagged
    once per episode (keyed by the date the lead mentor was last lost) and level."""
    from workstations.rules.team import natural_exit_day, numbers_on, workstations_without_qualified_lead

    as_of = as_of or timezone.localdate()
    years = numbers_on(as_of)["no_lead_exit_years"]
    operating = Workstation.objects.operating().select_related("host_unit")
    counts = {"warned": 0, "flagged": 0}
    flagged_ids = set()
    staff = list(city_staff_users())
    for level, ahead in (("flag", 0), ("warn", NO_MENTOR_WARN_AHEAD_DAYS)):
        for ws, since in workstations_without_qualified_lead(operating, as_of=as_of, ahead_days=ahead):
            if level == "warn" and ws.pk in flagged_ids:
                continue
            elapsed = (as_of - since).days
            if level == "flag":
                flagged_ids.add(ws.pk)
            sent = notify(
                recipients=staff,
                message=f"no_lead.{level}",
                params={"name": ws.name, "days": elapsed, "since": since, "exit_on": natural_exit_day(since, years)},
                url=reverse("workstations:exit_propose", args=[ws.pk]),
                dedup_key=f"no-lead:{level}:{ws.pk}:{since.isoformat()}",
            )
            if sent:
                counts["warned" if level == "warn" else "flagged"] += 1
    return counts
