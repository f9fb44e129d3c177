"""Home-page panels: what waits for each role in the subsidy ledgers and audits."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal import aggregates
from portal.dashboard import Panel
from portal.formatting import format_yuan
from portal.roles import OrgKind, Role
from subsidies import selectors
from subsidies.models import AuditAssignment, Kind, Ledger
from workstations.models import OPERATING_STATES, RECOGNISED_STATES


def home_panels(user) -> list[Panel]:
    builder = {
        Role.HOST_UNIT: _host_unit,
        Role.RECOMMENDER: _county,
        Role.CITY_STAFF: _staff,
        Role.AUDITOR: _auditor,
    }.get(user.role)
    return builder(user) if builder else []


def _host_unit(user) -> list[Panel]:
    ledgers = list(
        selectors.ledger_list_for(user).filter(workstation__state__in=OPERATING_STATES).select_related("workstation")
    )
    totals = selectors.totals_by_ledger(Ledger.objects.filter(pk__in=[ledger.pk for ledger in ledgers]))
    items = []
    for ledger in ledgers:
        ws = ledger.workstation
        items.append(
            (
                _("%(ws)s: balance %(balance)s")
                % {"ws": ws.name, "balance": format_yuan(totals[ledger.pk].total.balance)},
                reverse("subsidies:ledger", args=[ws.pk]),
            )
        )
        items.append((_("Record an expenditure"), reverse("subsidies:record", args=[ws.pk, Kind.EXPENDITURE])))
    return [
        Panel(title=_("Subsidy ledgers"), count=len(ledgers), url=reverse("subsidies:ledgers"), items=items, order=40)
    ]


def _without(user, kind: str, states, name: str) -> list:
    """The first ten of the user's workstations in ``states`` whose ledger has no entry of ``kind``: a whole-city
    question, answered once per change of the workstations or ledgers (issue 21), the ten rows fetched by id."""
    ids = aggregates.cached(
        name,
        (aggregates.scope_of(user),),
        (aggregates.WORKSTATIONS, aggregates.LEDGERS),
        lambda: list(
            selectors.ledger_workstations_for(user)
            .filter(state__in=states)
            .exclude(ledger__entries__kind=kind)
            .order_by("id")
            .values_list("pk", flat=True)[:10]
        ),
    )
    return list(aggregates.ObjectsByIds(ids, selectors.ledger_workstations_for(user))[:10])


def _county(user) -> list[Panel]:
    if user.organisation.kind != OrgKind.COUNTY_BUREAU:
        return []
    waiting = _without(user, Kind.COUNTY_GRANT, OPERATING_STATES, "county-grant-missing")
    items = [(ws.name, reverse("subsidies:record", args=[ws.pk, Kind.COUNTY_GRANT])) for ws in waiting]
    return [
        Panel(
            title=_("County matching grants to record"),
            count=len(waiting),
            url=reverse("subsidies:ledgers"),
            items=items,
            tone="warning" if waiting else "primary",
            order=40,
        )
    ]


def _staff(user) -> list[Panel]:
    awaiting = list(selectors.awaiting_review()[:10])
    open_assignments = AuditAssignment.objects.open().count()
    no_grant = _without(user, Kind.CITY_GRANT, RECOGNISED_STATES, "city-grant-missing")
    return [
        Panel(
            title=_("“Other” expenditures to review"),
            count=len(awaiting),
            url=reverse("subsidies:overview"),
            items=[
                (f"{e.ledger.workstation.name} · {format_yuan(e.amount)}", reverse("subsidies:review", args=[e.pk]))
                for e in awaiting
            ],
            tone="warning" if awaiting else "primary",
            order=41,
        ),
        Panel(
            title=_("City grants to record"),
            count=len(no_grant),
            url=reverse("subsidies:overview"),
            items=[(ws.name, reverse("subsidies:record", args=[ws.pk, Kind.CITY_GRANT])) for ws in no_grant],
            order=42,
        ),
        Panel(title=_("Open audits"), count=open_assignments, url=reverse("subsidies:audits"), order=43),
    ]


def _auditor(user) -> list[Panel]:
    assignments = list(
        AuditAssignment.objects.visible_to(user).open().select_related("ledger__workstation").order_by("id")[:20]
    )
    return [
        Panel(
            title=_("Ledgers assigned to you"),
            count=len(assignments),
            url=reverse("subsidies:audits"),
            items=[(a.ledger.workstation.name, reverse("subsidies:assignment", args=[a.pk])) for a in assignments],
            order=40,
        )
    ]
