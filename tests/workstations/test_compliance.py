"""Art. 10 compliance at period boundaries, the first partial period, and the board's constant query count."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import HostUnitFactory
from tests.workstations.factories import OperatingWorkstationFactory, accepted
from workstations.models import Workstation
from workstations.models.outcomes import ActivityKind, ReportStatus
from workstations.rules import compliance
from workstations.rules.compliance import Period, Requirement, Status
from workstations.selectors.outcomes import compliance_board, load_counts, workstation_compliance

C, T, TR = ActivityKind.CONSULTATION, ActivityKind.THEMED, ActivityKind.TRAINING


def test_quarter_and_year_boundaries():
    assert (Period(2026, 1).start, Period(2026, 1).end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert (Period(2026, 4).start, Period(2026, 4).end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert Period(2024, 1).days == 91  # leap year
    assert Period(2026, 1).days == 90
    assert compliance.quarter_of(date(2026, 3, 31)) == Period(2026, 1)
    assert compliance.quarter_of(date(2026, 4, 1)) == Period(2026, 2)
    assert compliance.quarter_of(date(2024, 2, 29)) == Period(2024, 1)


@pytest.mark.parametrize(
    ("certified_on", "assessed"),
    [
        (date(2026, 1, 1), True),
        (date(2026, 2, 15), True),  # 45 of 90 days: exactly half
        (date(2026, 2, 16), False),
        (date(2024, 2, 15), True),  # leap year: 46 of 91 days
        (date(2024, 2, 16), False),  # 45 of 91 days: less than half
        (date(2026, 3, 31), False),
        (date(2025, 12, 31), True),
    ],
)
def test_first_partial_quarter_counts_when_recognised_for_half_of_it(certified_on, assessed):
    assert (
        compliance.quarter_assessed(certified_on, Period(2026, 1) if certified_on.year != 2024 else Period(2024, 1))
        is assessed
    )


@pytest.mark.parametrize(
    ("certified_on", "themed_need"),
    [
        (date(2025, 6, 1), 2),  # certified the year before: full target
        (date(2026, 1, 1), 2),
        (date(2026, 3, 1), 2),  # Q2–Q4 assessed: ceil(2 × 3/4) = 2
        (date(2026, 8, 1), 1),  # Q3–Q4: ceil(2 × 2/4) = 1
        (date(2026, 11, 10), 1),  # Q4 still assessed (52 of 92 days): ceil(2 × 1/4) = 1
        (date(2026, 11, 20), 0),  # no quarter assessed: the year is not assessed
        (date(2027, 1, 1), 0),
        (None, 0),
    ],
)
def test_yearly_targets_are_pro_rated_in_the_first_year(certified_on, themed_need):
    assert compliance.required(Requirement.THEMED, Period(2026), certified_on) == themed_need
    assert compliance.required(Requirement.TRAINING, Period(2026), certified_on) == themed_need


def test_status_met_not_yet_missed_and_not_applicable():
    q = Period(2026, 2)
    assert compliance.status(need=1, count=1, period=q, today=date(2026, 4, 2)) == Status.MET
    assert compliance.status(need=1, count=0, period=q, today=date(2026, 6, 30)) == Status.NOT_YET  # last day
    assert compliance.status(need=1, count=0, period=q, today=date(2026, 7, 1)) == Status.MISSED
    assert compliance.status(need=1, count=0, period=q, today=date(2026, 3, 31)) == Status.NA  # not begun
    assert compliance.status(need=0, count=0, period=q, today=date(2026, 7, 1)) == Status.NA


@pytest.mark.django_db
def test_reports_on_the_last_day_of_a_quarter_and_on_31_december_count_for_that_period():
    ws = OperatingWorkstationFactory(certified_on=date(2024, 1, 1))
    accepted(ws, C, date(2024, 3, 31))
    accepted(ws, C, date(2024, 2, 29))  # leap day
    accepted(ws, T, date(2024, 12, 31))
    accepted(ws, T, date(2025, 1, 1))
    counts = load_counts(Workstation.objects.filter(pk=ws.pk), range(2024, 2026))[ws.pk]
    assert counts[("consultation", 2024, 1)] == 2
    assert counts.get(("consultation", 2024, 2), 0) == 0
    assert counts[("themed", 2024, 0)] == 1
    assert counts[("themed", 2025, 0)] == 1
    cells = compliance.year_cells(ws.certified_on, counts, 2024, date(2026, 1, 1))
    assert [c.status for c in cells] == [
        Status.MET,
        Status.MISSED,
        Status.MISSED,
        Status.MISSED,
        Status.MISSED,
        Status.MISSED,
    ]


@pytest.mark.django_db
def test_only_accepted_reports_count_and_trained_people_count_once():
    ws = OperatingWorkstationFactory(certified_on=date(2024, 1, 1))
    accepted(ws, C, date(2024, 5, 1), status=ReportStatus.REJECTED)
    accepted(ws, C, date(2024, 5, 2), status=ReportStatus.SUBMITTED)
    accepted(ws, TR, date(2024, 6, 1), trainees=["李明", "王芳"])
    accepted(ws, TR, date(2024, 9, 1), trainees=["李明"])  # the same person again
    accepted(ws, TR, date(2024, 10, 1), trainees=["张强"], status=ReportStatus.REJECTED)
    years = dict(workstation_compliance(ws, today=date(2025, 1, 10)))
    consultation_q2 = years[2024][1]
    training = years[2024][5]
    assert (consultation_q2.count, consultation_q2.status) == (0, Status.MISSED)
    assert (training.count, training.need, training.status) == (2, 2, Status.MET)


@pytest.mark.django_db
def test_first_partial_period_on_a_workstation():
    ws = OperatingWorkstationFactory(certified_on=date(2026, 8, 1))
    accepted(ws, T, date(2026, 9, 1))
    cells = dict(workstation_compliance(ws, today=date(2026, 11, 25)))[2026]
    assert [c.status for c in cells[:4]] == [Status.NA, Status.NA, Status.MISSED, Status.NOT_YET]
    assert (cells[4].need, cells[4].status) == (1, Status.MET)
    assert (cells[5].need, cells[5].status) == (1, Status.NOT_YET)


def _board_queries(client, user, n: int) -> int:
    host = HostUnitFactory()
    existing = Workstation.objects.count()
    for i in range(n - existing):
        ws = OperatingWorkstationFactory(host_unit=host, certified_on=date(2025, 1, 1))
        if i % 3 == 0:
            accepted(ws, C, date(2026, 2, 1))
            accepted(ws, TR, date(2026, 3, 1), trainees=["甲", "乙"])
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("workstations:board"), {"year": 2026})
    assert response.status_code == 200
    assert len(response.context["board"].rows) == n
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_board_query_count_does_not_grow_with_workstations_or_reports(client, staff):
    ten = _board_queries(client, staff, 10)
    two_hundred = _board_queries(client, staff, 200)
    assert ten == two_hundred


@pytest.mark.django_db
def test_board_filters_by_county_and_is_for_city_staff(client, staff, host_user):
    a = OperatingWorkstationFactory()
    b = OperatingWorkstationFactory()
    board = compliance_board(staff, year=2026, county_id=a.host_unit.county_id, today=date(2026, 11, 25))
    assert [r.workstation for r in board.rows] == [a]
    assert b not in [r.workstation for r in board.rows]
    client.force_login(host_user)
    assert client.get(reverse("workstations:board")).status_code == 403


@pytest.mark.django_db
def test_board_page_shows_heat_classes_not_inline_styles(client, staff):
    ws = OperatingWorkstationFactory(certified_on=date(2025, 1, 1))
    accepted(ws, C, date(2026, 1, 5))
    client.force_login(staff)
    html = client.get(reverse("workstations:board"), {"year": 2026}).content.decode()
    assert f'data-testid="cell-{ws.pk}-consultation-2026Q1" data-status="met"' in html
    assert "heat-met" in html and "heat-missed" in html
    assert "style=" not in html


@pytest.mark.django_db
def test_board_shows_fifty_rows_a_page_and_totals_count_every_row(client, staff):
    host = HostUnitFactory()
    for _ in range(55):
        OperatingWorkstationFactory(host_unit=host, certified_on=date(2025, 1, 1))
    client.force_login(staff)
    first = client.get(reverse("workstations:board"), {"year": 2026, "county": host.county_id})
    html = first.content.decode()
    assert html.count('data-testid="cell-') == 50 * 6 and "1 / 2" in html
    assert f"?year=2026&amp;county={host.county_id}&amp;page=2" in html
    assert sum(first.context["board"].totals.values()) == 55 * 6
    second = client.get(reverse("workstations:board"), {"year": 2026, "county": host.county_id, "page": 2})
    assert second.content.decode().count('data-testid="cell-') == 5 * 6
