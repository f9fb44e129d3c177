from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from portal import aggregates
from portal.roles import CITY_WIDE_ROLES, Role
from workstations.models import OPERATING_STATES, RECOGNISED_STATES, TransitionLog, Workstation
from workstations.models.outcomes import ReportStatus
from workstations.rules.county import is_county_clerk

# Who sees a workstation's plans, reports and evaluations (the outcomes page's rule, Art. 10–11).
OUTCOME_VIEWERS = (*CITY_WIDE_ROLES, Role.HOST_UNIT)


def workstation_list_for(user) -> QuerySet[Workstation]:
    return (
        Workstation.objects.visible_to(user)
        .select_related("host_unit", "host_unit__county", "recommender")
        .order_by("-updated_at", "-id")
    )


def state_counts_for(user) -> dict[str, int]:
    """How many of the user's workstations are in each state: once per change of the workstations (issue 21)."""

    def compute() -> dict[str, int]:
        rows = Workstation.objects.visible_to(user).values("state").annotate(n=Count("id")).order_by()
        return {row["state"]: row["n"] for row in rows}

    return aggregates.cached("state-counts", (aggregates.scope_of(user),), (aggregates.WORKSTATIONS,), compute)


def timeline_for(workstation: Workstation) -> QuerySet[TransitionLog]:
    return workstation.transitions.select_related("actor").order_by("at", "id")


@dataclass
class RelatedRecords:
    """What the workstation page links to, each checked with the target's own ``visible_to`` for this user."""

    application: object | None = None
    ledger: bool = False
    outcomes: bool = False
    plan: object | None = None
    reports_total: int = 0
    reports_accepted: int = 0
    results: list = field(default_factory=list)
    rectification: object | None = None
    events: int = 0
    plaque: object | None = None


def _related_model(name: str):
    """The model behind the reverse relation ``name`` of Workstation (``application``, ``ledger``): read from the
    ORM's metadata so that workstations imports no stage app."""
    return Workstation._meta.get_field(name).related_model


def related_records(workstation: Workstation, user) -> RelatedRecords:
    """The application (host unit, recommender, staff, reviewing experts), the subsidy ledger (who may see it),
    the outcome records (plan, reports, evaluations, rectification, major events) and the plaque of a workstation
    the user may see. A fixed number of queries, whatever the workstation holds; ``workstation.plaque`` is expected
    to be select_related."""
    records = RelatedRecords()
    application_model = _related_model("application")
    records.application = (
        application_model.objects.visible_to(user).filter(workstation=workstation).select_related("call").first()
    )
    ledger_model = _related_model("ledger")
    records.ledger = ledger_model.objects.visible_to(user).filter(workstation=workstation).exists() or (
        user.has_role(Role.CITY_STAFF) and workstation.state in RECOGNISED_STATES
    )
    if user.has_role(*OUTCOME_VIEWERS) or is_county_clerk(user):
        records.outcomes = workstation.state in OPERATING_STATES or workstation.certified_on is not None
        records.plan = workstation.plans.order_by("-version").first()
        counts = workstation.reports.aggregate(
            total=Count("id"), accepted=Count("id", filter=Q(status=ReportStatus.ACCEPTED))
        )
        records.reports_total, records.reports_accepted = counts["total"], counts["accepted"]
        records.results = list(
            workstation.evaluation_results.filter(evaluation__status="closed")
            .select_related("evaluation")
            .order_by("-evaluation__year", "evaluation__kind")
        )
        records.rectification = workstation.rectifications.order_by("-ordered_on", "-id").first()
        records.events = workstation.major_events.count()
    records.plaque = getattr(workstation, "plaque", None)
    return records
