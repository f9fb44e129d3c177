"""Staff lists of the workstations stage at any size (issue 21 item 1): counts from the database, rows a page at a
time."""

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import HttpRequest

from portal.paging import page_of
from workstations.models.exits import ExitCase, ExitGround, ExitStatus


def exit_list_context(request: HttpRequest) -> dict:
    """The exits page: confirmed exits by ground and year (Art. 11(4)) counted in the database, the cases paged."""
    visible = ExitCase.objects.visible_to(request.user)
    counted = (
        visible.filter(status=ExitStatus.CONFIRMED, decided_at__isnull=False)
        .annotate(year=ExtractYear("decided_at"))
        .values("ground", "year")
        .annotate(n=Count("id"))
        .values_list("ground", "year", "n")
    )
    by_ground_year = {(ground, year): n for ground, year, n in counted}
    years = sorted({year for _, year in by_ground_year}, reverse=True)
    rows = [(ExitGround(g).label, [by_ground_year.get((g.value, y), 0) for y in years]) for g in ExitGround]
    page = page_of(
        request,
        visible.select_related("workstation__host_unit", "document", "proposed_by", "decided_by").order_by(
            "-proposed_at", "-id"
        ),
    )
    return {"cases": list(page), "page": page, "years": years, "rows": rows, "total": page.paginator.count}
