"""Recording ledger entries (Art. 8, 9, 11(3)). Who records what, and the rule that no source goes below zero."""

from datetime import date as date_type
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import held_uploads
from portal.formatting import CENT, format_date, format_yuan
from portal.measures.params import MATCHING_GRADE_LABELS
from portal.measures.selectors import grade_rank, measures_in_force
from portal.models import User
from portal.notifications import notify_city_staff, notify_organisation
from portal.refusals import Refusal
from portal.roles import Role
from subsidies import summaries
from subsidies.models import Category, Entry, EntryReceipt, EntryReview, Kind, Ledger, Source
from subsidies.models.ledger import GRANT_SOURCE, INFLOW_KINDS
from subsidies.selectors import balance_of
from workstations.models import OPERATING_STATES, RECOGNISED_STATES, State, Workstation
from workstations.models.evaluations import Grade


class LedgerRefused(Refusal):
    """An entry that may not be recorded; the message says why, in the user's language."""


def recording_refusal(user, workstation: Workstation, kind: str) -> str | None:
    """Why ``user`` may not record an entry of ``kind`` for ``workstation`` (None: they may).

    Art. 8: the city bureau records its one-time grant (and, Art. 11(3), awards in lieu of subsidy, and claw-backs);
    the county bureau its matching grant; the host unit its expenditures. Nobody records for another organisation.
    """
    if kind in (Kind.CITY_GRANT, Kind.AWARD, Kind.CLAWBACK):
        if not user.has_role(Role.CITY_STAFF):
            return _("Only city bureau staff record this.")
    elif kind == Kind.COUNTY_GRANT:
        county = workstation.county
        if not user.has_role(Role.RECOMMENDER) or county is None or user.organisation_id != county.pk:
            return _("Only the county bureau of this workstation records its matching grant.")
    elif kind == Kind.EXPENDITURE:
        if not user.has_role(Role.HOST_UNIT) or user.organisation_id != workstation.host_unit_id:
            return _("Only the workstation's host unit records its expenditures.")
    else:
        return _("Unknown kind of entry.")
    allowed_states = RECOGNISED_STATES if kind == Kind.CITY_GRANT else OPERATING_STATES
    if kind == Kind.CLAWBACK:  # Art. 11(4), 13: money returned after an exit, until staff close the ledger (issue 18)
        allowed_states = OPERATING_STATES | {State.DEREGISTERED, State.REVOKED}
    if hasattr(getattr(workstation, "ledger", None), "closure"):
        return _("This ledger is closed.")
    if workstation.state not in allowed_states:
        return _("The ledger of a workstation that is “%(state)s” accepts no such entry.") % {
            "state": State(workstation.state).label
        }
    return None


def default_city_grant(workstation: Workstation) -> Decimal:
    """The call's one-time grant amount (Art. 6(1)) when the application app provides it, else the default.

    Read duck-typed through ``workstation.application.call.grant_amount`` so that this app imports no other stage.
    """
    call = getattr(getattr(workstation, "application", None), "call", None)
    amount = getattr(call, "grant_amount", None)
    return Decimal(amount) if amount else Decimal(settings.SUBSIDY_DEFAULT_CITY_GRANT)


def entry_amount_ceiling() -> Decimal:
    """The largest amount one ledger entry may carry (``SUBSIDY_MAX_ENTRY_AMOUNT``; grants are tens of thousands)."""
    return Decimal(str(settings.SUBSIDY_MAX_ENTRY_AMOUNT)).quantize(CENT)


def measures_issued_on() -> date_type:
    """The day the measures (平人社办〔2024〕44号) were issued: no ledger event under them can be older."""
    return date_type.fromisoformat(str(settings.MEASURES_ISSUED_ON))


def amount_refusal(amount) -> str | None:
    """Why ``amount`` cannot be a ledger entry (None: it can): 0.01 yuan up to the configured ceiling, in fen."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return _("The amount is not a number.")
    if not value.is_finite():
        return _("The amount is not a number.")
    if value <= 0:
        return _("The amount must be more than zero; the kind of entry gives its direction.")
    if value != value.quantize(CENT):
        return _("Amounts are in yuan with at most two decimal places (fen).")
    ceiling = entry_amount_ceiling()
    if value > ceiling:
        return _("%(amount)s is more than one entry may be (at most %(ceiling)s). Check the figure.") % {
            "amount": format_yuan(value),
            "ceiling": format_yuan(ceiling),
        }
    return None


def date_refusal(day: date_type) -> str | None:
    """Why ``day`` cannot be the date of a ledger entry (None: it can). Entries record what has happened: not in the
    future, and not before the measures were issued."""
    if day > timezone.localdate():
        return _("The date may not be in the future.")
    earliest = measures_issued_on()
    if day < earliest:
        return _("The date may not be before the measures were issued (%(date)s).") % {"date": format_date(earliest)}
    return None


def _clean_amount(amount) -> Decimal:
    refusal = amount_refusal(amount)
    if refusal:
        raise LedgerRefused(refusal)
    return Decimal(str(amount)).quantize(CENT)


def _lock(workstation: Workstation | int) -> tuple[Workstation, Ledger]:
    """Lock the workstation, then its ledger (always in this order), creating the ledger on first use."""
    pk = workstation.pk if isinstance(workstation, Workstation) else workstation
    locked_ws = (
        Workstation.objects.select_for_update(of=("self",))
        .select_related("host_unit__county", "recommender")
        .get(pk=pk)
    )
    ledger, _created = Ledger.objects.get_or_create(workstation=locked_ws)
    ledger = Ledger.objects.select_for_update().get(pk=ledger.pk)
    ledger.workstation = locked_ws
    return locked_ws, ledger


def _refuse_overdraft(ledger: Ledger, source: str, amount: Decimal) -> None:
    """SPEC §4: nothing may take a funding source below zero. Called with the ledger row locked."""
    balance = balance_of(ledger, source)
    if amount > balance:
        raise LedgerRefused(
            _(
                "This would take the %(source)s below zero: its balance is %(balance)s and this entry is %(amount)s. "
                "Nothing was recorded."
            )
            % {"source": Source(source).label, "balance": format_yuan(balance), "amount": format_yuan(amount)}
        )


def _refuse_second_award(ledger: Ledger, workstation: Workstation, kind: str, result) -> None:
    """Art. 11(3): one award per evaluation result, of this workstation. Called with the ledger row locked; an award
    that was reversed (a mistake corrected) no longer counts, so the right one can be recorded."""
    if kind != Kind.AWARD or result.workstation_id != workstation.pk:
        raise LedgerRefused(_("Only an award of this workstation can rest on its evaluation result."))
    if ledger.entries.filter(kind=Kind.AWARD, evaluation_result=result, reversed_by__isnull=True).exists():
        raise LedgerRefused(_("The award for this evaluation result has already been recorded."))


def _refuse_below_county_grade(workstation: Workstation, measures) -> None:
    """Art. 12: a county may pay its matching grant only to workstations whose last closed evaluation reached the
    grade its rules ask for (``matching_min_grade``; none by default)."""
    wanted = measures.matching_min_grade
    if not wanted:
        return
    last = (
        workstation.evaluation_results.filter(evaluation__status="closed")
        .exclude(grade="")
        .order_by("-evaluation__year", "-evaluation__closed_at")
        .values_list("grade", flat=True)
        .first()
    )
    if last is None or grade_rank(last) < grade_rank(wanted):
        raise LedgerRefused(
            _(
                "Your county's rules (%(rule)s) pay the matching grant only from the grade “%(grade)s” of the last "
                "evaluation; this workstation's last grade is “%(last)s”."
            )
            % {
                "rule": measures.county_rule.label,
                "grade": MATCHING_GRADE_LABELS[wanted],
                "last": Grade(last).label if last else _("none yet"),
            }
        )


def _attach(entry: Entry, receipts, actor: User) -> None:
    for uploaded in receipts or ():
        EntryReceipt.objects.create(entry=entry, file=held_uploads.stored(uploaded, actor=actor))


def _ledger_url(workstation) -> str:
    return reverse("subsidies:ledger", args=[workstation.pk])


def entry_record(
    *,
    workstation: Workstation | int,
    kind: str,
    amount,
    date: date_type,
    description: str,
    actor: User,
    source: str = "",
    category: str = "",
    explanation: str = "",
    reference: str = "",
    receipts=(),
    evaluation_result=None,
) -> Entry:
    """Record one entry (grant, award, expenditure or claw-back) under the ledger lock.

    Art. 8: grants from the city and the county; Art. 11(3): award in lieu of subsidy (``reference`` names the
    evaluation result it rests on); expenditures for equipment, talent training, skills exchange, or "other" with an
    explanation (flagged for review); Art. 9: claw-backs by the city bureau. Raises ``PermissionDenied`` when the
    actor may not record this kind for this workstation, ``LedgerRefused`` when the entry breaks a rule.
    """
    amount = _clean_amount(amount)
    description = (description or "").strip()
    if not description:
        raise LedgerRefused(_("Please describe the entry."))
    refusal = date_refusal(date)
    if refusal:
        raise LedgerRefused(refusal)
    if kind in GRANT_SOURCE:
        source, category = GRANT_SOURCE[kind], ""
    elif source not in Source.values:
        raise LedgerRefused(_("Choose the funding source."))
    needs_review = False
    if kind == Kind.EXPENDITURE:
        if category not in Category.values:
            raise LedgerRefused(_("Choose what the money was spent on."))
        if not receipts:
            raise LedgerRefused(_("An expenditure needs at least one receipt."))
        if category == Category.OTHER:
            if not explanation.strip():
                raise LedgerRefused(_("An “other” expenditure needs an explanation."))
            needs_review = True
    elif kind == Kind.CLAWBACK:
        category = ""
    with transaction.atomic():
        workstation, ledger = _lock(workstation)
        refusal = recording_refusal(actor, workstation, kind)
        if refusal:
            raise PermissionDenied(refusal)
        if kind == Kind.CITY_GRANT and ledger.entries.filter(kind=Kind.CITY_GRANT, reversed_by__isnull=True).exists():
            raise LedgerRefused(_("The one-time city grant has already been recorded for this workstation."))
        if evaluation_result is not None:
            _refuse_second_award(ledger, workstation, kind, evaluation_result)
        measures = None
        if kind == Kind.COUNTY_GRANT:
            measures = measures_in_force(date, workstation.county)
            _refuse_below_county_grade(workstation, measures)
        sign = 1 if kind in INFLOW_KINDS else -1
        if sign < 0:
            _refuse_overdraft(ledger, source, amount)
        entry = Entry.objects.create(
            ledger=ledger,
            kind=kind,
            source=source,
            category=category,
            amount=amount,
            sign=sign,
            date=date,
            description=description,
            explanation=explanation.strip(),
            reference=reference.strip(),
            needs_review=needs_review,
            evaluation_result=evaluation_result,
            measures_version_id=measures.version_id if measures else None,
            county_rule_id=measures.county_rule_id if measures else None,
            recorded_by=actor,
        )
        summaries.entry_added(entry, workstation)  # issue 21: the overview's sums, in this transaction
        _attach(entry, receipts, actor)
        _announce(entry, workstation)
    return entry


def _announce(entry: Entry, workstation: Workstation) -> None:
    url = _ledger_url(workstation)
    values = {"kind": entry.kind, "amount": Decimal(entry.amount), "ws": workstation.name}
    if entry.kind in INFLOW_KINDS or entry.kind == Kind.CLAWBACK:
        notify_organisation(
            organisation=workstation.host_unit,
            message="subsidies.recorded",
            params=values,
            url=url,
        )
    if entry.needs_review:
        notify_city_staff(
            message="subsidies.other_review",
            params=values,
            url=url,
        )


def entry_reverse(*, entry: Entry | int, reason: str, actor: User) -> Entry:
    """Correct a mistake with a reversing entry that points to the original (SPEC §4: never edit, never delete).

    Whoever may record the original's kind may reverse it. The reversal runs the other way for the same amount and
    source, so it restores the balance; it may not itself take a source below zero.
    """
    reason = (reason or "").strip()
    if not reason:
        raise LedgerRefused(_("Please give the reason for the reversal."))
    pk = entry.pk if isinstance(entry, Entry) else entry
    ws_id = Entry.objects.values_list("ledger__workstation_id", flat=True).get(pk=pk)
    with transaction.atomic():
        workstation, ledger = _lock(ws_id)
        original = Entry.objects.select_related("reversed_by").get(pk=pk)
        if original.kind == Kind.REVERSAL:
            raise LedgerRefused(_("A reversal cannot itself be reversed; record a new entry instead."))
        if hasattr(original, "reversed_by"):
            raise LedgerRefused(_("This entry has already been reversed."))
        refusal = recording_refusal(actor, workstation, original.kind)
        if refusal:
            raise PermissionDenied(refusal)
        sign = -original.sign
        if sign < 0:
            _refuse_overdraft(ledger, original.source, original.amount)
        reversal = Entry.objects.create(
            ledger=ledger,
            kind=Kind.REVERSAL,
            source=original.source,
            category=original.category,
            amount=original.amount,
            sign=sign,
            date=timezone.localdate(),
            description=reason,
            reverses=original,
            recorded_by=actor,
        )
        summaries.entry_added(reversal, workstation)
    return reversal


def entry_review(*, entry: Entry | int, outcome: str, note: str, actor: User) -> EntryReview:
    """City staff review an "other" expenditure flagged when it was recorded (SPEC §4)."""
    if not actor.has_role(Role.CITY_STAFF):
        raise PermissionDenied(_("Only city bureau staff review expenditures."))
    if outcome not in EntryReview.Outcome.values:
        raise LedgerRefused(_("Choose an outcome."))
    if outcome == EntryReview.Outcome.QUESTIONED and not (note or "").strip():
        raise LedgerRefused(_("Say what is questioned."))
    pk = entry.pk if isinstance(entry, Entry) else entry
    with transaction.atomic():
        locked = Entry.objects.select_for_update().get(pk=pk)
        if not locked.needs_review:
            raise LedgerRefused(_("This entry is not flagged for review."))
        if EntryReview.objects.filter(entry=locked).exists():
            raise LedgerRefused(_("This entry has already been reviewed."))
        return EntryReview.objects.create(entry=locked, outcome=outcome, note=(note or "").strip(), reviewed_by=actor)
