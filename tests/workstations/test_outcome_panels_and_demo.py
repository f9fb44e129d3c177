"""Home panels for outcomes, and the demo builder run twice giving the same world."""

from datetime import date

import pytest
from django.db.models import Count
from django.urls import reverse

from portal import demo as portal_demo
from portal.demo import World
from tests.workstations.factories import OperatingWorkstationFactory, accepted
from workstations.demo import lifecycle as ws_demo
from workstations.demo import outcomes as demo_outcomes
from workstations.models import State, Workstation
from workstations.models.evaluations import Evaluation, EvaluationResult, Rectification
from workstations.models.outcomes import ActivityKind, ActivityReport, MajorEventReport, ReportStatus, WorkPlan

pytestmark = pytest.mark.django_db


def test_host_unit_sees_what_is_due_and_staff_see_their_queues(client, host_unit, host_user, staff):
    ws = OperatingWorkstationFactory(host_unit=host_unit, recommender=host_unit.county, certified_on=date(2024, 1, 1))
    accepted(ws, ActivityKind.CONSULTATION, date(2024, 2, 1), status=ReportStatus.SUBMITTED)
    client.force_login(host_user)
    panels = client.get(reverse("home")).context["panels"]
    due = next(p for p in panels if p.title == "待完成事项")
    labels = " ".join(label for label, _url in due.items)
    assert due.count >= 2 and ws.name in labels
    client.force_login(staff)
    panels = {p.title: p.count for p in client.get(reverse("home")).context["panels"]}
    assert panels["待审核的活动报告"] == 1


def _snapshot():
    return (
        ActivityReport.objects.count(),
        WorkPlan.objects.count(),
        Evaluation.objects.count(),
        EvaluationResult.objects.count(),
        Rectification.objects.count(),
        MajorEventReport.objects.count(),
    )


def test_demo_outcomes_has_every_grade_and_is_idempotent():
    for _ in range(2):
        world = World()
        portal_demo.build(world)
        ws_demo.build(world)
        demo_outcomes.build(world)
        if _ == 0:
            first = _snapshot()
    assert _snapshot() == first
    grades = set(EvaluationResult.objects.exclude(grade="").values_list("grade", flat=True))
    assert grades == {"excellent", "good", "pass", "fail"}
    statuses = dict(ActivityReport.objects.values_list("status").annotate(n=Count("id")))
    assert statuses.get("rejected", 0) > 0 and statuses.get("accepted", 0) > 20
    liu = Workstation.objects.get(lead_mentor_name="刘洋")
    assert liu.state == State.RECTIFYING and liu.rectifications.get().is_pending
    assert Workstation.objects.filter(state__in=["active", "rectifying"], certified_on__isnull=True).count() == 0
    assert MajorEventReport.objects.filter(kind="mentor_change").exists()


def test_every_outcome_page_renders_for_staff_and_host_on_the_demo_world(client):
    world = World()
    portal_demo.build(world)
    ws_demo.build(world)
    demo_outcomes.build(world)
    liu = Workstation.objects.get(lead_mentor_name="刘洋")
    rect = liu.rectifications.get()
    report = ActivityReport.objects.filter(workstation=liu).first()
    event = MajorEventReport.objects.first()
    evaluation = Evaluation.objects.first()
    staff_urls = [
        reverse("workstations:board"),
        reverse("workstations:board") + "?year=2024&county=" + str(liu.host_unit.county_id),
        reverse("workstations:report_list"),
        reverse("workstations:major_event_list") + "?pending=1",
        reverse("workstations:evaluation_list"),
        reverse("workstations:evaluation_new"),
        reverse("workstations:evaluation", args=[evaluation.pk]),
        reverse("workstations:rectification_list"),
        reverse("workstations:rectification", args=[rect.pk]),
        reverse("workstations:major_event", args=[event.pk]),
        reverse("workstations:report", args=[report.pk]),
        reverse("workstations:outcomes", args=[liu.pk]),
        reverse("workstations:detail", args=[liu.pk]),
        reverse("home"),
    ]
    client.force_login(world.users["staff"])
    for url in staff_urls:
        assert client.get(url).status_code == 200, url
    client.force_login(world.users["host4"])
    for url in [
        reverse("home"),
        reverse("workstations:outcomes", args=[liu.pk]),
        reverse("workstations:rectification", args=[rect.pk]),
        reverse("workstations:report", args=[report.pk]),
        reverse("workstations:report_new", args=[liu.pk]) + "?kind=training",
        reverse("workstations:plan_new", args=[liu.pk]),
        reverse("workstations:major_event_new", args=[liu.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "style=" not in response.content.decode(), url
