"""Reads for the publicity pages, each a fixed number of queries whatever the number of rows."""

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from portal.documents.models import OfficialDocument
from portal.workdays.services import CalendarNotCovered, PublicityWindow, working_days_left
from review.publicity.models import Objection, PublicityEntry, PublicityList
from workstations.models import OPERATING_STATES, State, Workstation


def public_lists():
    """Every published list, newest first, with its number of candidates (one query)."""
    return PublicityList.objects.annotate(candidates=Count("entries")).order_by("-published_at", "-id")


def public_list_detail(pk: int) -> PublicityList:
    """The list with every candidate, for the official notice (the print view and the PDF)."""
    return PublicityList.objects.prefetch_related(
        Prefetch("entries", queryset=PublicityEntry.objects.order_by("position"))
    ).get(pk=pk)


def public_list_entries(publicity_list: PublicityList):
    """The candidates of a list in the notice's order, for the public page's pages (issue 21)."""
    return publicity_list.entries.order_by("position", "pk")


def countdown(publicity_list: PublicityList, today=None) -> dict:
    """Working days left for the public page's countdown (Art. 6(4))."""
    today = today or timezone.localdate()
    window = PublicityWindow(publicity_list.first_day, publicity_list.last_day, publicity_list.closes_at)
    if publicity_list.is_withdrawn:
        return {"status": "withdrawn", "days_left": 0}
    if not publicity_list.is_open():
        return {"status": "closed", "days_left": 0}
    try:
        days_left = working_days_left(window, today)
    except CalendarNotCovered:
        days_left = None
    return {"status": "running" if today >= window.first_day else "upcoming", "days_left": days_left}


def staff_lists():
    return PublicityList.objects.annotate(
        candidates=Count("entries", distinct=True),
        open_objections=Count(
            "entries__objections", filter=Q(entries__objections__status__in=Objection.UNRESOLVED), distinct=True
        ),
    ).order_by("-published_at", "-id")


def staff_list_entries(publicity_list: PublicityList):
    return (
        publicity_list.entries.select_related("workstation")
        .annotate(
            objection_count=Count("objections", distinct=True),
            open_count=Count("objections", filter=Q(objections__status__in=Objection.UNRESOLVED), distinct=True),
        )
        .order_by("position")
    )


def candidates_to_publish():
    return (
        Workstation.objects.filter(state=State.REVIEW_PASSED)
        .select_related("host_unit", "host_unit__county", "recommender")
        .order_by("pk")
    )


def candidates_to_confirm():
    return (
        Workstation.objects.filter(state=State.PUBLICITY_CLEARED)
        .select_related("host_unit", "host_unit__county", "recommender")
        .order_by("pk")
    )


def confirmation_documents():
    """Every issued document is a public decision: confirmations (Art. 6(4)), deregistrations and revocations
    (Art. 11(4))."""
    return OfficialDocument.objects.select_related("issued_by", "verification").annotate(
        workstation_count=Count("confirmations")
    )


def _in_county(county_id, prefix: str = "") -> Q:
    """Workstations of one county, as ``Workstation.county`` places them (the recommending county bureau, otherwise
    the host unit's county)."""
    from portal.roles import OrgKind

    by_recommender = Q(**{f"{prefix}recommender__kind": OrgKind.COUNTY_BUREAU})
    return (by_recommender & Q(**{f"{prefix}recommender_id": county_id})) | (
        ~by_recommender & Q(**{f"{prefix}host_unit__county_id": county_id})
    )


def public_counties():
    """The counties the public directory can be filtered by (one query)."""
    from portal.models import Organisation
    from portal.roles import OrgKind

    return Organisation.objects.filter(kind=OrgKind.COUNTY_BUREAU).order_by("code", "name")


def public_exits(county_id=None):
    """Deregistered and revoked workstations with their documents (Art. 11(4)), newest decision first."""
    from workstations.models.exits import ExitCase, ExitStatus

    cases = ExitCase.objects.filter(status=ExitStatus.CONFIRMED, document__isnull=False)
    if county_id:
        cases = cases.filter(_in_county(county_id, "workstation__"))
    return cases.select_related("workstation__host_unit__county", "workstation__recommender", "document").order_by(
        "-decided_at", "-id"
    )


def public_directory(county_id=None):
    """Recognised, operating workstations for the public directory (SPEC §5), with their plaque."""
    workstations = Workstation.objects.filter(state__in=OPERATING_STATES)
    if county_id:
        workstations = workstations.filter(_in_county(county_id))
    return (
        workstations.select_related("host_unit", "host_unit__county", "recommender", "plaque")
        .prefetch_related("terms")  # Art. 11(1): the current term is shown
        .order_by("certified_on", "pk")
    )
