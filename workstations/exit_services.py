"""Art. 11(4): natural and forced exit, each ending in a numbered document, the transition and plaque removal."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.citations import cite
from portal.documents.models import OfficialDocument
from portal.documents.services import (
    DocumentRefused,
    document_issue,
    document_preview,
    verification_revoke_number,
)
from portal.formatting import format_date
from portal.notifications import city_staff_users, notify, notify_organisation
from portal.publiccache import bump_public_version
from portal.refusals import Refusal
from portal.roles import Role
from portal.uploads import store_upload
from portal.workdays.services import CalendarNotCovered, nth_working_day_after
from workstations import exit_evidence
from workstations.exits import ExitCase, ExitGround, ExitKind, ExitStatus, kind_of
from workstations.models import OPERATING_STATES, Workstation
from workstations.plaque_services import plaque_remove
from workstations.services import TransitionRefused, workstation_transition

# Art. 11(4)2: before a forced exit is confirmed the host unit may answer; it has this many working days to do so.
STATEMENT_WORKING_DAYS = 5


class ExitRefused(Refusal):
    """An exit step that may not be taken now; ``message`` says why, in the user's language."""


def _check_operating(workstation: Workstation) -> None:
    if workstation.state not in OPERATING_STATES:
        raise ExitRefused(_("Only an active workstation or one under rectification can exit."))


def _open_case(*, workstation, ground, facts, actor, source_reference="", evidence=()) -> ExitCase:
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


def exit_request(*, workstation: Workstation, reason: str, signature_page, actor) -> ExitCase:
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
            subject=_("%(name)s applies for deregistration") % {"name": locked.name},
            body=reason,
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
    actor,
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
            subject=_("The exit of %(name)s waits for a second confirmation") % {"name": locked.name},
            body=_("Proposed by %(who)s. Ground: %(ground)s.")
            % {"who": actor.full_name or actor.username, "ground": case.get_ground_display()},
            url=reverse("workstations:exit_detail", args=[case.pk]),
        )
        notify_organisation(
            organisation=locked.host_unit,
            subject=_("An exit of %(name)s has been proposed") % {"name": locked.name},
            body=_("Ground: %(ground)s. You may file a statement before the decision.")
            % {"ground": case.get_ground_display()},
            url=reverse("workstations:exit_detail", args=[case.pk]),
        )
    return case


def exit_statement(*, case: ExitCase, statement: str, actor) -> ExitCase:
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
            subject=_("Statement filed on the exit of %(name)s") % {"name": locked.workstation.name},
            url=reverse("workstations:exit_detail", args=[locked.pk]),
        )
    return locked


def statement_deadline(case: ExitCase) -> dt.date:
    """The last working day on which the host unit may still answer a proposed forced exit."""
    return nth_working_day_after(timezone.localtime(case.proposed_at).date(), STATEMENT_WORKING_DAYS)


def confirmation_problems(case: ExitCase, actor) -> list[str]:
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


MEASURES = "《平顶山市大众创业指导大师工作室认定管理办法》（平人社办〔2024〕44号）"


def decision_date_floor(case: ExitCase) -> dt.date:
    """The decision document records the proposal and the host unit's statement; it may not be dated before them."""
    days = [timezone.localtime(case.proposed_at).date()] if case.proposed_at else []
    if case.statement_at:
        days.append(timezone.localtime(case.statement_at).date())
    return max(days) if days else timezone.localdate()


def _document_body(case: ExitCase, *, statement_reply: str = "") -> tuple[str, str, dict]:
    """Art. 11(4): the exit as a 决定 — facts and grounds, the host unit's statement and the answer to it, the
    decision, what follows (摘牌, funds), and the notice of remedies. Returns (title, addressees, body)."""
    ws = case.workstation
    host = ws.host_unit.name
    with translation.override("zh-hans"):
        ground = str(ExitGround(case.ground).label)
    plaque = getattr(ws, "plaque", None)
    plaque_text = f"（编号：{plaque.number}）" if plaque is not None else ""
    natural = case.kind == ExitKind.NATURAL
    basis = cite(11, 4, 1 if natural else 2)
    recognised = (
        f"{ws.name}（领衔创业导师：{ws.lead_mentor_name}）于{format_date(ws.certified_on)}经我局认定为"
        "平顶山市大众创业指导大师工作室。"
        if ws.certified_on
        else f"{ws.name}（领衔创业导师：{ws.lead_mentor_name}）为平顶山市大众创业指导大师工作室。"
    )
    facts = case.facts.strip().rstrip("。") + "。"
    with translation.override("zh-hans"):
        proposed = format_date(case.proposed_at)
        stated = format_date(case.statement_at)
    if case.ground == ExitGround.OWN_REQUEST:
        paragraphs = [
            f"{recognised}{host}于{proposed}向我局申请注销该工作室，理由为：{facts}",
            f"经审查，上述情形属于{MEASURES}{basis}规定的自然退出情形（{ground}）。",
        ]
    else:
        paragraphs = [
            f"{recognised}经查，{facts}",
            f"上述情形属于{MEASURES}{basis}规定的“{ground}”{'自然' if natural else '强制'}退出情形。",
        ]
        if case.statement.strip():
            reply = statement_reply.strip().rstrip("。") + "。" if statement_reply.strip() else ""
            paragraphs.append(
                f"我局于{proposed}将拟作出的决定及其事实、理由和依据告知你单位。你单位于{stated}提出陈述意见，"
                f"认为：“{case.statement.strip()}”经复核，{reply}"
            )
        else:
            paragraphs.append(
                f"我局于{proposed}将拟作出的决定及其事实、理由和依据告知你单位，你单位在规定期限内未提出陈述意见。"
            )
    if natural:
        title_lines = ["关于注销", f"{ws.name}的决定"]
        title = "".join(title_lines)
        decision = f"根据{MEASURES}{cite(11, 4)}规定，我局决定：注销{ws.name}。"
    else:
        title_lines = [f"关于撤销{ws.name}", "认定的决定"]
        title = "".join(title_lines)
        decision = f"根据{MEASURES}{cite(11, 4)}规定，我局决定：撤销{ws.name}的平顶山市大众创业指导大师工作室认定。"
    paragraphs.append(decision)
    follows = f"自本决定印发之日起，{host}不得继续以“{ws.name}”名义开展活动，我局收回牌匾{plaque_text}"
    follows += (
        "，已拨付尚未使用的财政补助资金按规定清算收回。"
        if not natural
        else "，已拨付尚未使用的财政补助资金按规定清算。"
    )
    paragraphs.append(follows)
    remedies = settings.ADMINISTRATIVE_REMEDIES
    paragraphs.append(
        f"你单位如对本决定不服，可以自收到本决定之日起六十日内向{remedies['review_body']}申请行政复议，"
        f"也可以自收到本决定之日起六个月内向{remedies['court']}提起行政诉讼。"
    )
    county = ws.county
    copy_to = f"{county.name}、" if county else ""
    body = {"title_lines": title_lines, "paragraphs": paragraphs, "copy_to": f"{copy_to}市财政局"}
    return title, host, body


def _exit_document_args(case: ExitCase, *, statement_reply: str) -> dict:
    title, addressees, body = _document_body(case, statement_reply=statement_reply)
    return {
        "kind": OfficialDocument.Kind.DEREGISTRATION
        if case.kind == ExitKind.NATURAL
        else OfficialDocument.Kind.REVOCATION,
        "title": title,
        "addressees": addressees,
        "body": body,
        "decided_on": decision_date_floor(case),
    }


def reply_problems(case: ExitCase, statement_reply: str) -> list[str]:
    """A forced exit answered by the host unit is decided only with an answer to that statement."""
    if case.ground != ExitGround.OWN_REQUEST and case.statement.strip() and not statement_reply.strip():
        return [_("Answer the host unit's statement: the decision must say why it does or does not change it.")]
    return []


def exit_preview(*, case: ExitCase, actor, seq: int, issued_on: dt.date, statement_reply: str = "") -> bytes:
    """The decision document as it would be issued (for the confirmation page); nothing is stored."""
    return document_preview(
        **_exit_document_args(case, statement_reply=statement_reply), actor=actor, seq=seq, issued_on=issued_on
    )


def exit_confirm(
    *,
    case: ExitCase,
    actor,
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
            subject=_("%(name)s: %(decision)s (%(number)s)")
            % {"name": locked.workstation.name, "decision": locked.get_kind_display(), "number": document.number},
            url=reverse("workstations:exit_detail", args=[locked.pk]),
        )
    return locked


def exit_reject(*, case: ExitCase, actor, note: str) -> ExitCase:
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
            subject=_("The proposed exit of %(name)s was not confirmed") % {"name": locked.workstation.name},
            body=locked.decision_note,
            url=reverse("workstations:exit_detail", args=[locked.pk]),
        )
    return locked


# Art. 11(4)1: a year or more without a qualified mentor; staff are warned ahead of it.
NO_MENTOR_WARN_DAYS = 300
NO_MENTOR_EXIT_DAYS = 365


def detect_missing_lead_mentors(*, as_of: dt.date | None = None) -> dict[str, int]:
    """Daily job: flag to staff the operating workstations with no qualified lead mentor for 365 days or more, and
    warn at 300 days, with the evidence (since when, from the mentor-change reports). Idempotent: each workstation
    is flagged once per episode (keyed by the date the lead mentor was last lost) and level."""
    from workstations.team import workstations_without_qualified_lead

    as_of = as_of or timezone.localdate()
    operating = Workstation.objects.operating().select_related("host_unit")
    counts = {"warned": 0, "flagged": 0}
    flagged_ids = set()
    staff = list(city_staff_users())
    for level, days in (("flag", NO_MENTOR_EXIT_DAYS), ("warn", NO_MENTOR_WARN_DAYS)):
        for ws, since in workstations_without_qualified_lead(operating, as_of=as_of, min_days=days):
            if level == "warn" and ws.pk in flagged_ids:
                continue
            elapsed = (as_of - since).days
            if level == "flag":
                flagged_ids.add(ws.pk)
                subject = _("%(name)s has had no qualified lead mentor for %(days)d days") % {
                    "name": ws.name,
                    "days": elapsed,
                }
                body = _(
                    "Since %(since)s (from the mentor-change reports) the workstation has no qualified lead mentor. "
                    "Art. 11(4)1: a year or more is a ground for natural exit; consider proposing a deregistration."
                ) % {"since": format_date(since)}
            else:
                subject = _("%(name)s: no qualified lead mentor for %(days)d days") % {"name": ws.name, "days": elapsed}
                body = _("Since %(since)s. At 365 days it becomes a ground for natural exit (Art. 11(4)1).") % {
                    "since": format_date(since)
                }
            sent = notify(
                recipients=staff,
                subject=subject,
                body=body,
                url=reverse("workstations:exit_propose", args=[ws.pk]),
                dedup_key=f"no-lead:{level}:{ws.pk}:{since.isoformat()}",
            )
            if sent:
                counts["warned" if level == "warn" else "flagged"] += 1
    return counts
