"""Sample inspections and third-party audits (Art. 9); findings can start a forced exit (Art. 11(4)2)."""

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import User
from portal.notifications import notify_city_staff, notify_organisation
from portal.roles import OrgKind, Role
from subsidies.models import Audit, AuditAssignment, Entry, Finding, Ledger
from subsidies.models.audits import draw_sample
from subsidies.services.ledger import LedgerRefused
from workstations.models import OPERATING_STATES


def _require_staff(actor: User) -> None:
    if not actor.has_role(Role.CITY_STAFF):
        raise PermissionDenied(_("Only city bureau staff organise audits."))


def _check_firm(firm) -> None:
    if firm is not None and firm.kind != OrgKind.AUDIT_FIRM:
        raise LedgerRefused(_("Choose an audit firm."))


def sample_population() -> list[int]:
    """The ledgers a sample is drawn from: those of operating workstations, by primary key."""
    return list(
        Ledger.objects.filter(workstation__state__in=OPERATING_STATES).order_by("pk").values_list("pk", flat=True)
    )


def audit_draw_sample(*, title: str, sample_size: int, actor: User, seed: int | None = None, firm=None) -> Audit:
    """Art. 9 "抽检": draw ``sample_size`` ledgers at random, recording the seed and the population drawn from.

    Anyone can re-draw the sample from the recorded seed (``manage.py redraw_audit_sample``, and the audit page).
    With ``firm`` the sampled ledgers are assigned to that audit firm; without, city staff inspect them.
    """
    _require_staff(actor)
    _check_firm(firm)
    if not title.strip():
        raise LedgerRefused(_("Please give the audit a title."))
    if sample_size < 1:
        raise LedgerRefused(_("The sample needs at least one workstation."))
    if seed is None:
        seed = secrets.randbelow(2**31)
    with transaction.atomic():
        population = sample_population()
        if not population:
            raise LedgerRefused(_("No operating workstation has a ledger to draw from."))
        drawn = draw_sample(population, sample_size, seed)
        audit = Audit.objects.create(
            title=title.strip(),
            method=Audit.Method.SAMPLE,
            firm=firm,
            seed=seed,
            sample_size=sample_size,
            population=population,
            drawn=drawn,
            created_by=actor,
        )
        AuditAssignment.objects.bulk_create([AuditAssignment(audit=audit, ledger_id=pk) for pk in drawn])
        _announce_to_firm(audit)
    return audit


def audit_assign(*, title: str, firm, ledgers, actor: User) -> Audit:
    """Art. 9 "委托第三方专业机构": assign chosen ledgers to an audit firm, which then sees only those."""
    _require_staff(actor)
    if firm is None:
        raise LedgerRefused(_("Choose an audit firm."))
    _check_firm(firm)
    ledger_ids = sorted({ledger.pk if isinstance(ledger, Ledger) else int(ledger) for ledger in ledgers})
    if not ledger_ids:
        raise LedgerRefused(_("Choose at least one ledger."))
    if not title.strip():
        raise LedgerRefused(_("Please give the audit a title."))
    with transaction.atomic():
        audit = Audit.objects.create(
            title=title.strip(), method=Audit.Method.THIRD_PARTY, firm=firm, drawn=ledger_ids, created_by=actor
        )
        AuditAssignment.objects.bulk_create([AuditAssignment(audit=audit, ledger_id=pk) for pk in ledger_ids])
        _announce_to_firm(audit)
    return audit


def _announce_to_firm(audit: Audit) -> None:
    if audit.firm is not None:
        notify_organisation(
            organisation=audit.firm,
            message="subsidies.audit_assigned",
            params={"title": audit.title},
            url=reverse("subsidies:audit", args=[audit.pk]),
        )


def may_inspect(user, assignment: AuditAssignment) -> bool:
    """The audit firm of the audit records findings; when the audit has no firm, city staff do."""
    if assignment.audit.firm_id is not None:
        return user.has_role(Role.AUDITOR) and user.organisation_id == assignment.audit.firm_id
    return user.has_role(Role.CITY_STAFF)


def _locked_open_assignment(assignment, actor: User) -> AuditAssignment:
    pk = assignment.pk if isinstance(assignment, AuditAssignment) else assignment
    locked = AuditAssignment.objects.select_for_update(of=("self",)).select_related("audit").get(pk=pk)
    if not may_inspect(actor, locked):
        raise PermissionDenied(_("This ledger is not assigned to you."))
    if locked.is_concluded:
        raise LedgerRefused(_("This audit has been concluded; its findings are final."))
    return locked


def finding_record(*, assignment, entry: Entry | int, verdict: str, note: str, actor: User) -> Finding:
    """Record (or, until the conclusion, change) the finding on one entry: fine, question or misuse."""
    if verdict not in Finding.Verdict.values:
        raise LedgerRefused(_("Choose a verdict."))
    note = (note or "").strip()
    if verdict != Finding.Verdict.FINE and not note:
        raise LedgerRefused(_("Explain a question or misuse finding."))
    with transaction.atomic():
        locked = _locked_open_assignment(assignment, actor)
        entry_pk = entry.pk if isinstance(entry, Entry) else entry
        if not Entry.objects.filter(pk=entry_pk, ledger_id=locked.ledger_id).exists():
            raise LedgerRefused(_("This entry is not in the audited ledger."))
        finding, _created = Finding.objects.update_or_create(
            assignment=locked,
            entry_id=entry_pk,
            defaults={"verdict": verdict, "note": note, "recorded_by": actor},
        )
        if verdict == Finding.Verdict.MISUSE:
            ws = locked.ledger.workstation
            notify_city_staff(
                message="subsidies.misuse",
                params={"ws": ws.name},
                url=reverse("subsidies:ledger", args=[ws.pk]),
            )
    return finding


class FindingsRefused(LedgerRefused):
    """Some rows of the page could not be recorded: nothing was recorded; ``errors`` maps entry id → reason."""

    def __init__(self, errors: dict[int, str]):
        self.errors = errors
        super().__init__(_("%(n)d finding(s) could not be recorded; nothing was saved.") % {"n": len(errors)})


def findings_record(*, assignment, rows: list[tuple[int, str, str]], actor: User) -> list[Finding]:
    """Art. 9: every finding typed on the page at once — all recorded, or none (with the reason for each row that
    was refused), so saving one row can never drop what was typed in another. Rows without a verdict, and rows
    equal to the finding already recorded, are left alone."""
    pk = assignment.pk if isinstance(assignment, AuditAssignment) else assignment
    existing = {f.entry_id: (f.verdict, f.note) for f in Finding.objects.filter(assignment_id=pk)}
    errors: dict[int, str] = {}
    saved: list[Finding] = []
    with transaction.atomic():
        for entry_pk, verdict, note in rows:
            if not verdict or existing.get(entry_pk) == (verdict, (note or "").strip()):
                continue
            try:
                with transaction.atomic():
                    saved.append(finding_record(assignment=pk, entry=entry_pk, verdict=verdict, note=note, actor=actor))
            except LedgerRefused as exc:
                errors[entry_pk] = str(exc)
        if errors:
            raise FindingsRefused(errors)
    return saved


def assignment_conclude(*, assignment, conclusion: str, actor: User) -> AuditAssignment:
    """The inspector's conclusion on one ledger; afterwards its findings are final."""
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise LedgerRefused(_("Please write the conclusion."))
    with transaction.atomic():
        locked = _locked_open_assignment(assignment, actor)
        locked.conclusion = conclusion
        locked.concluded_by = actor
        locked.concluded_at = timezone.now()
        locked.save(update_fields=["conclusion", "concluded_by", "concluded_at"])
    return locked
