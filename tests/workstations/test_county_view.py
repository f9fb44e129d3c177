"""Art. 8, 11(3), 12: a county bureau reads the operation of its own county's workstations (plans, reports,
compliance, evaluations, major events, ledger) and records its annual opinion; another county is refused; it writes
nothing else and sees no evaluation round, objection or ballot."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.audit import AuditEvent
from tests.factories import HostUnitFactory, UniversityFactory, UserFactory
from tests.workstations.factories import OperatingWorkstationFactory, accepted
from workstations.models.county import CountyOpinion
from workstations.models.evaluations import Evaluation, EvaluationResult, Grade
from workstations.models.outcomes import ActivityKind, EventKind, MajorEventReport, WorkPlan
from workstations.services.county import county_opinion_record
from workstations.services.outcomes import OutcomeRefused

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(host_unit, host_user, staff):
    ws = OperatingWorkstationFactory(host_unit=host_unit, recommender=host_unit.county, certified_on=date(2024, 1, 1))
    WorkPlan.objects.create(
        workstation=ws,
        version=1,
        direction="服务全市创业者",
        focus="重点",
        scale="规模",
        targets_year1="一",
        targets_year2="二",
        targets_year3="三",
        submitted_by=host_user,
        submitted_at=timezone.now(),
    )
    evaluation = Evaluation.objects.create(
        year=2024, title="2024年度评价", rubric=[], status="closed", opened_by=staff, opened_at=timezone.now()
    )
    EvaluationResult.objects.create(evaluation=evaluation, workstation=ws, total=Decimal(85), grade=Grade.GOOD)
    MajorEventReport.objects.create(
        workstation=ws,
        kind=EventKind.ACHIEVEMENT,
        title="孵化企业获奖",
        occurred_on=date(2024, 9, 1),
        description="获奖。",
        filed_by=host_user,
        filed_at=timezone.now(),
    )
    return ws


def test_the_county_reads_its_workstations_plan_reports_evaluations_events_and_ledger(client, ws, clerk):
    report = accepted(ws, ActivityKind.CONSULTATION, date(2024, 2, 1))
    event = ws.major_events.get()
    client.force_login(clerk)
    page = client.get(reverse("workstations:outcomes", args=[ws.pk])).content.decode()
    assert "服务全市创业者" in page and "2024年度评价" in page and 'data-testid="ws-compliance"' in page
    assert 'data-testid="host-actions"' not in page  # read-only
    assert client.get(reverse("workstations:report", args=[report.pk])).status_code == 200
    assert client.get(reverse("workstations:major_event", args=[event.pk])).status_code == 200
    assert report.title in client.get(reverse("workstations:report_list")).content.decode()
    overview = client.get(reverse("workstations:county")).content.decode()
    assert ws.name in overview and "良好" in overview
    detail = client.get(reverse("workstations:detail", args=[ws.pk])).content.decode()
    assert 'data-testid="outcomes-link"' in detail


def test_another_county_is_refused_and_sees_none_of_it(client, ws, other_clerk):
    report = accepted(ws, ActivityKind.CONSULTATION, date(2024, 2, 1))
    client.force_login(other_clerk)
    assert client.get(reverse("workstations:outcomes", args=[ws.pk])).status_code == 404
    assert client.get(reverse("workstations:report", args=[report.pk])).status_code == 404
    assert client.get(reverse("workstations:major_event", args=[ws.major_events.get().pk])).status_code == 404
    assert client.get(reverse("workstations:county_opinion", args=[ws.pk])).status_code == 404
    assert report.title not in client.get(reverse("workstations:report_list")).content.decode()
    assert ws.name not in client.get(reverse("workstations:county")).content.decode()
    with pytest.raises(PermissionDenied):
        county_opinion_record(workstation=ws, year=2024, opinion="越权", actor=other_clerk)
    assert not CountyOpinion.objects.exists()


def test_the_county_writes_nothing_but_its_opinion_and_sees_no_round(client, ws, clerk):
    report = accepted(ws, ActivityKind.CONSULTATION, date(2024, 2, 1), status="submitted")
    client.force_login(clerk)
    assert client.get(reverse("workstations:plan_new", args=[ws.pk])).status_code == 403
    assert client.post(reverse("workstations:report_accept", args=[report.pk])).status_code == 403
    evaluation = ws.evaluation_results.get().evaluation
    assert client.get(reverse("workstations:evaluation", args=[evaluation.pk])).status_code == 403
    report.refresh_from_db()
    assert report.status == "submitted"


def test_a_university_clerk_has_no_county_view(client, ws):
    university_clerk = UserFactory(organisation=UniversityFactory())
    client.force_login(university_clerk)
    assert client.get(reverse("workstations:county")).status_code == 403
    assert client.get(reverse("workstations:outcomes", args=[ws.pk])).status_code == 404


def test_a_workstation_recommended_by_a_university_belongs_to_the_host_units_county(client, county, clerk):
    host = HostUnitFactory(county=county)
    ws = OperatingWorkstationFactory(host_unit=host, recommender=UniversityFactory(), certified_on=date(2024, 1, 1))
    client.force_login(clerk)
    assert client.get(reverse("workstations:outcomes", args=[ws.pk])).status_code == 200


def test_the_county_records_and_revises_its_annual_opinion_and_staff_see_it(client, ws, clerk, staff, host_user):
    client.force_login(clerk)
    url = reverse("workstations:county_opinion", args=[ws.pk])
    response = client.post(url, {"year": "2024", "score": "88.5", "opinion": "县级评审良好，配套资金已拨付。"})
    assert response.status_code == 302
    response = client.post(url, {"year": "2024", "score": "101", "opinion": "超出"})
    assert response.status_code == 200 and "超出" in response.content.decode()  # kept, refused
    county_opinion_record(workstation=ws, year=2024, score=Decimal(90), opinion="复核后调整为90分。", actor=clerk)
    opinion = CountyOpinion.objects.get()
    assert (opinion.score, opinion.opinion, opinion.county_id) == (
        Decimal("90.0"),
        "复核后调整为90分。",
        clerk.organisation_id,
    )
    assert AuditEvent.objects.filter(action="workstation.county_opinion").count() == 2
    with pytest.raises(OutcomeRefused):
        county_opinion_record(workstation=ws, year=2023, opinion="认定前", actor=clerk)
    for user in (staff, host_user):
        client.force_login(user)
        page = client.get(reverse("workstations:outcomes", args=[ws.pk])).content.decode()
        assert "复核后调整为90分。" in page
    # This year's opinion shows on the county's overview.
    this_year = timezone.localdate().year
    county_opinion_record(workstation=ws, year=this_year, opinion="本年度运行正常。", actor=clerk)
    client.force_login(clerk)
    assert "本年度运行正常。" in client.get(reverse("workstations:county")).content.decode()


def test_the_county_overview_query_count_does_not_grow(client, county, clerk, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            ws = OperatingWorkstationFactory(
                host_unit=HostUnitFactory(county=county), recommender=county, certified_on=date(2024, 1, 1)
            )
            accepted(ws, ActivityKind.CONSULTATION, date(2024, 2, 1))

    make(1)
    client.force_login(clerk)
    url = reverse("workstations:county")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    make(5)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)
