"""The money trail (Art. 8, 9, 13; issue 18): 拨付 records with their funding channel, an optional five-working-day
grant publicity before payment, and closing a ledger after an exit once refunds and claw-backs are recorded."""

from datetime import date as date_type
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.formatting import format_date
from portal.measures.selectors import measures_in_force
from portal.models import User
from portal.notifications import notify_organisation
from portal.publiccache import bump_public_version
from portal.roles import Role
from portal.workdays.services import CalendarNotCovered, InvalidWindowStart, publicity_window
from subsidies.models import Entry, Kind, Ledger
from subsidies.models.ledger import INFLOW_KINDS
from subsidies.models.trail import Channel, Disbursement, GrantPublicity, LedgerClosure
from subsidies.selectors import balances
from subsidies.services.ledger import LedgerRefused, _lock
from workstations.models import State, Workstation

EXITED_STATES = frozenset({State.DEREGISTERED, State.REVOKED})
DEFAULT_CHANNEL = {
    Kind.CITY_GRANT: Channel.CITY_EMPLOYMENT,
    Kind.AWARD: Channel.CITY_EMPLOYMENT,
    Kind.COUNTY_GRANT: Channel.COUNTY_EMPLOYMENT,
}


def payer_refusal(user, workstation: Workstation, kind: str) -> str | None:
    """Who pays a grant records its publicity and 拨付: the city for its grant and awards, the county for its own."""
    if kind in (Kind.CITY_GRANT, Kind.AWARD):
        return None if user.has_role(Role.CITY_STAFF) else _("Only city bureau staff record this.")
    if kind == Kind.COUNTY_GRANT:
        county = workstation.county
        if user.has_role(Role.RECOMMENDER) and county is not None and user.organisation_id == county.pk:
            return None
        return _("Only the county bureau of this workstation records its matching grant.")
    return _("Only a grant or an award is paid out.")


def _grant(entry: Entry | int, actor: User) -> tuple[Workstation, Ledger, Entry]:
    """Lock the grant's workstation and ledger (the ledger service's order), check the payer and the grant."""
    pk = entry.pk if isinstance(entry, Entry) else entry
    ws_id = Entry.objects.values_list("ledger__workstation_id", flat=True).get(pk=pk)
    workstation, ledger = _lock(ws_id)
    grant = Entry.objects.select_related("reversed_by").get(pk=pk)
    refusal = payer_refusal(actor, workstation, grant.kind)
    if refusal:
        raise PermissionDenied(refusal)
    if grant.kind not in INFLOW_KINDS:
        raise LedgerRefused(_("Only a grant or an award is paid out."))
    if hasattr(grant, "reversed_by"):
        raise LedgerRefused(_("This grant has been reversed."))
    if hasattr(ledger, "closure"):
        raise LedgerRefused(_("This ledger is closed."))
    return workstation, ledger, grant


def grant_publicity_days(on: date_type) -> int:
    """Working days a grant is published for before it is paid: as many as Art. 6(4) gives the list of candidates
    ("公示5个工作日"), from the measures in force on the day it is published (docs/decisions.md)."""
    return measures_in_force(on).publicity_working_days


def grant_publicity_start(
    *, entry: Entry | int, actor: User, start: date_type | None = None, today: date_type | None = None
) -> GrantPublicity:
    """Publish a grant for Art. 6(4)'s working days before it is paid (optional); the window is computed on the official
    calendar from the day after publication (or a later working day staff choose)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        workstation, _ledger, grant = _grant(entry, actor)
        if hasattr(grant, "disbursement"):
            raise LedgerRefused(_("This grant has already been paid."))
        if hasattr(grant, "publicity"):
            raise LedgerRefused(_("This grant has already been published."))
        try:
            window = publicity_window(today, start, days=grant_publicity_days(today))
        except (CalendarNotCovered, InvalidWindowStart) as exc:
            raise LedgerRefused(str(exc)) from exc
        publicity = GrantPublicity.objects.create(
            entry=grant,
            first_day=window.first_day,
            last_day=window.last_day,
            closes_at=window.closes_at,
            workstation_name=workstation.name,
            host_unit_name=workstation.host_unit.name,
            published_by=actor,
        )
        audit_record(
            actor=actor,
            action="subsidies.grant_published",
            obj=grant,
            after={"first_day": window.first_day.isoformat(), "last_day": window.last_day.isoformat()},
        )
        bump_public_version()
    return publicity


def disbursement_record(
    *,
    entry: Entry | int,
    actor: User,
    channel: str,
    document_number: str,
    paid_on: date_type,
    channel_detail: str = "",
    account: str = "",
    today: date_type | None = None,
) -> Disbursement:
    """Art. 8, 13: record how a grant was paid — the fund (channel), the payment document and date. Once per grant;
    after a grant publicity only once its working days are over."""
    today = today or timezone.localdate()
    problems = []
    if channel not in Channel.values:
        problems.append(_("Choose the funding channel."))
    if channel == Channel.OTHER and not channel_detail.strip():
        problems.append(_("Name the other funding channel."))
    if not document_number.strip():
        problems.append(_("Enter the number of the payment document."))
    if paid_on > today:
        problems.append(_("The date may not be in the future."))
    if problems:
        raise LedgerRefused(" ".join(str(p) for p in problems))
    with transaction.atomic():
        workstation, _ledger, grant = _grant(entry, actor)
        if hasattr(grant, "disbursement"):
            raise LedgerRefused(_("This grant's payment has already been recorded."))
        publicity = getattr(grant, "publicity", None)
        if publicity is not None and (today <= publicity.last_day or paid_on <= publicity.last_day):
            raise LedgerRefused(
                _("The grant is in publicity until %(date)s; it can be paid after that.")
                % {"date": format_date(publicity.last_day)}
            )
        if paid_on < grant.date:
            raise LedgerRefused(_("The payment cannot be dated before the grant."))
        disbursement = Disbursement.objects.create(
            entry=grant,
            channel=channel,
            channel_detail=channel_detail.strip() if channel == Channel.OTHER else "",
            document_number=document_number.strip(),
            paid_on=paid_on,
            account=account.strip(),
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="subsidies.grant_paid",
            obj=grant,
            after={"channel": channel, "document": disbursement.document_number, "paid_on": paid_on.isoformat()},
        )
        notify_organisation(
            organisation=workstation.host_unit,
            message="subsidies.paid",
            params={"kind": grant.kind, "amount": Decimal(grant.amount), "document": disbursement.document_number},
            url=reverse("subsidies:ledger", args=[workstation.pk]),
        )
    return disbursement


def still_owed(ledger: Ledger | None) -> Decimal:
    """Art. 11(4), 13: after an exit the unspent subsidy is returned ("尚未使用的财政补助资金按规定收回"): the sum of
    the positive balances of every funding source."""
    if ledger is None:
        return Decimal("0.00")
    return sum((b for b in balances(ledger).values() if b > 0), Decimal("0.00"))


def ledger_close(*, workstation: Workstation | int, actor: User, note: str = "") -> LedgerClosure:
    """After an exit, staff close the ledger once the refunds and claw-backs are recorded; what is still owed then is
    stated on the closure. A closed ledger accepts no entry, reversal, payment or publicity."""
    if actor is None or not actor.has_role(Role.CITY_STAFF):
        raise PermissionDenied(_("Only city bureau staff record this."))
    with transaction.atomic():
        ws, ledger = _lock(workstation)
        if ws.state not in EXITED_STATES:
            raise LedgerRefused(_("A ledger is closed only after the workstation's exit."))
        if LedgerClosure.objects.filter(ledger=ledger).exists():
            raise LedgerRefused(_("This ledger is closed."))
        owed = still_owed(ledger)
        closure = LedgerClosure.objects.create(ledger=ledger, outstanding=owed, note=note.strip(), closed_by=actor)
        audit_record(actor=actor, action="subsidies.ledger_closed", obj=ledger, after={"outstanding": owed})
        notify_organisation(
            organisation=ws.host_unit,
            message="subsidies.ledger_closed",
            params={"ws": ws.name},
            url=reverse("subsidies:ledger", args=[ws.pk]),
        )
    return closure


def trail_context(user, workstation: Workstation, ledger: Ledger | None, entries: list[Entry]) -> dict:
    """What the ledger page shows of the trail: which grants this user may publish or record as paid, the closure,
    what is still owed after an exit, and whether this user may close the ledger."""
    closure = LedgerClosure.objects.filter(ledger=ledger).first() if ledger is not None else None
    payable, publishable = set(), set()
    if closure is None:
        for e in entries:
            if e.kind not in INFLOW_KINDS or hasattr(e, "reversed_by") or hasattr(e, "disbursement"):
                continue
            if payer_refusal(user, workstation, e.kind) is None:
                payable.add(e.pk)
                if not hasattr(e, "publicity"):
                    publishable.add(e.pk)
    exited = workstation.state in EXITED_STATES
    return {
        "closure": closure,
        "exited": exited,
        "owed": still_owed(ledger) if exited else None,
        "payable": payable,
        "publishable": publishable,
        "may_close": exited and closure is None and user.has_role(Role.CITY_STAFF),
    }
