"""The workstation page links to its application, ledger, outcome records and plaque — each only for those who
may open the target, which checks again (a guessed URL is a 404)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from subsidies.models import Kind
from tests.applications.factories import make_application
from tests.subsidies.factories import grant
from tests.workstations.factories import ActivityReportFactory
from workstations.models import State, Workstation
from workstations.models.evaluations import Evaluation, EvaluationKind, EvaluationResult, Grade
from workstations.models.outcomes import EventKind, MajorEventReport
from workstations.services.evaluations import default_rubric
from workstations.services.plaques import plaque_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(host_unit, staff):
    application = make_application(host_unit=host_unit, state=State.CERTIFIED)
    Workstation.objects.filter(pk=application.workstation_id).update(certified_on=date(2024, 1, 1))
    ws = Workstation.objects.get(pk=application.workstation_id)
    plaque_issue(workstation=ws, actor=staff, issued_on=date(2024, 1, 5))
    grant(ws, staff, kind=Kind.CITY_GRANT)
    return ws


def _links(ws):
    return {
        "application": reverse("applications:detail", args=[ws.application.pk]),
        "ledger": reverse("subsidies:ledger", args=[ws.pk]),
        "outcomes": reverse("workstations:outcomes", args=[ws.pk]),
        "plaque": reverse("plaques:pdf", args=[ws.plaque.pk]),
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("staff", {"application", "ledger", "outcomes", "plaque"}),
        ("host_user", {"application", "ledger", "outcomes", "plaque"}),
        ("clerk", {"application", "ledger", "outcomes"}),  # the recommending county bureau (issue 18: reads outcomes)
        ("supervisor", {"application", "outcomes"}),
    ],
)
def test_each_role_sees_the_links_it_may_follow_and_each_link_opens(client, request, ws, who, expected):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("workstations:detail", args=[ws.pk])).content.decode()
    links = _links(ws)
    shown = {name for name, url in links.items() if f'href="{url}"' in page}
    assert shown == expected
    for name in shown:
        response = client.get(links[name])
        assert response.status_code == 200, name
    assert ws.application.call.document_number in page
    assert ws.plaque.number in page


def test_the_plaque_shows_its_handover_and_others_get_404(client, ws, host_user, other_host_user, expert):
    client.force_login(host_user)
    page = client.get(reverse("workstations:detail", args=[ws.pk])).content.decode()
    assert 'data-testid="link-plaque"' in page and "尚未授牌" in page
    for user in (other_host_user, expert):
        client.force_login(user)
        assert client.get(reverse("workstations:detail", args=[ws.pk])).status_code == 404
        assert client.get(reverse("plaques:pdf", args=[ws.plaque.pk])).status_code == 404


def test_evaluation_results_link_to_the_evaluation_for_staff(client, ws, staff, host_user):
    evaluation = Evaluation.objects.create(
        year=2024,
        kind=EvaluationKind.ANNUAL,
        title="2024年度评价",
        rubric=default_rubric(),
        status=Evaluation.Status.CLOSED,
        opened_by=staff,
        opened_at=timezone.now(),
    )
    EvaluationResult.objects.create(evaluation=evaluation, workstation=ws, total=Decimal("95"), grade=Grade.EXCELLENT)
    url = reverse("workstations:evaluation", args=[evaluation.pk])
    client.force_login(staff)
    assert url in client.get(reverse("workstations:detail", args=[ws.pk])).content.decode()
    client.force_login(host_user)
    page = client.get(reverse("workstations:detail", args=[ws.pk])).content.decode()
    assert "2024年度评价" in page and url not in page  # the host unit sees its grade, not the staff page


def test_the_detail_page_query_count_is_pinned(client, ws, staff, host_user, django_assert_num_queries):
    client.force_login(staff)
    url = reverse("workstations:detail", args=[ws.pk])
    client.get(url)  # warm the session and the user
    with django_assert_num_queries(QUERIES):
        client.get(url)
    for year in (2024, 2025):
        evaluation = Evaluation.objects.create(
            year=year,
            kind=EvaluationKind.ANNUAL,
            title=f"{year}年度评价",
            rubric=default_rubric(),
            status=Evaluation.Status.CLOSED,
            opened_by=staff,
            opened_at=timezone.now(),
        )
        EvaluationResult.objects.create(evaluation=evaluation, workstation=ws, total=Decimal("85"), grade=Grade.GOOD)
    for _ in range(5):
        ActivityReportFactory(workstation=ws, submitted_by=host_user)
        MajorEventReport.objects.create(
            workstation=ws,
            kind=EventKind.ACHIEVEMENT,
            title="获奖",
            occurred_on=date(2024, 5, 1),
            description="省级奖励",
            filed_by=host_user,
            filed_at=timezone.now(),
        )
    with django_assert_num_queries(QUERIES):
        assert client.get(url).status_code == 200


QUERIES = 20  # issue 18: + the terms (Art. 11(1))
