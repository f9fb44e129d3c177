"""Art. 11(5) major-event reports, and the team replayed from mentor changes (Art. 5(3)1, 11(4)1)."""

from datetime import date

import pytest
from django.urls import reverse

from portal.models import Notification
from tests.workstations.factories import OperatingWorkstationFactory
from workstations.models.outcomes import EventKind, MajorEventReport
from workstations.rules.team import Change, Member, replay, workstations_without_qualified_lead
from workstations.services.outcomes import MentorChangeInput, OutcomeRefused, major_event_acknowledge, major_event_file

CERT = date(2024, 1, 1)
BASE = [Member("张伟", "lead", True, CERT), Member("甲", "mentor", False, CERT), Member("乙", "mentor", False, CERT)]


def test_a_complete_team_has_no_problems():
    team = replay(BASE, [], as_of=date(2025, 1, 1))
    assert (len(team.leads), len(team.mentors), team.problems) == (1, 2, [])


def test_lead_leaving_starts_the_no_qualified_lead_clock_and_a_qualified_successor_stops_it():
    left = [Change("张伟", "lead", "left", date(2025, 3, 1))]
    team = replay(BASE, left, as_of=date(2025, 6, 1))
    assert team.no_qualified_lead_since == date(2025, 3, 1)
    assert team.days_without_qualified_lead(date(2026, 3, 1)) == 365
    assert not team.leads and len(team.problems) == 2  # no lead at all, and since when
    unqualified = [*left, Change("王五", "lead", "joined", date(2025, 4, 1), qualified=False)]
    assert replay(BASE, unqualified, as_of=date(2025, 6, 1)).no_qualified_lead_since == date(2025, 3, 1)
    qualified = [*unqualified, Change("赵六", "lead", "joined", date(2025, 5, 1), qualified=True)]
    team = replay(BASE, qualified, as_of=date(2025, 6, 1))
    assert (team.no_qualified_lead_since, team.has_qualified_lead) == (None, True)
    # Changes after the as-of date are not applied yet.
    assert replay(BASE, left, as_of=date(2025, 2, 28)).no_qualified_lead_since is None


def test_a_mentor_leaving_leaves_too_few_mentors():
    team = replay(BASE, [Change("甲", "mentor", "left", date(2025, 3, 1))], as_of=date(2025, 3, 1))
    assert len(team.mentors) == 1
    assert any("2" in p for p in team.problems)


@pytest.mark.django_db
def test_year_without_qualified_lead_is_detected_from_reported_departures(host_user, host_unit):
    ws = OperatingWorkstationFactory(host_unit=host_unit, lead_mentor_name="张伟", certified_on=CERT)
    other = OperatingWorkstationFactory(lead_mentor_name="李娜", certified_on=CERT)
    major_event_file(
        workstation=ws,
        actor=host_user,
        kind=EventKind.MENTOR_CHANGE,
        title="领衔导师退休",
        occurred_on=date(2025, 3, 1),
        description="领衔导师张伟退休。",
        changes=[MentorChangeInput("张伟", "lead", "left", date(2025, 3, 1), reason="退休")],
        today=date(2025, 3, 5),
    )
    qs = [ws, other]
    assert workstations_without_qualified_lead(qs, as_of=date(2026, 2, 28)) == []
    assert workstations_without_qualified_lead(qs, as_of=date(2026, 3, 1)) == [(ws, date(2025, 3, 1))]


@pytest.mark.django_db
def test_host_files_a_mentor_change_staff_are_told_and_acknowledge(client, host_user, host_unit, staff):
    ws = OperatingWorkstationFactory(host_unit=host_unit, lead_mentor_name="张伟", certified_on=CERT)
    client.force_login(host_user)
    response = client.post(
        reverse("workstations:major_event_new", args=[ws.pk]),
        {
            "kind": "mentor_change",
            "title": "领衔导师离职",
            "occurred_on": "2025-03-01",
            "description": "张伟调离。",
            "mentors-TOTAL_FORMS": "3",
            "mentors-INITIAL_FORMS": "0",
            "mentors-MIN_NUM_FORMS": "0",
            "mentors-MAX_NUM_FORMS": "10",
            "mentors-0-person_name": "张伟",
            "mentors-0-role": "lead",
            "mentors-0-change": "left",
            "mentors-0-effective_on": "2025-03-01",
        },
    )
    report = MajorEventReport.objects.get()
    assert response.status_code == 302
    assert report.mentor_changes.count() == 1
    assert any("2025年3月1日" in p for p in report.eligibility_problems)
    assert Notification.objects.filter(
        recipient=staff, url=reverse("workstations:major_event", args=[report.pk])
    ).exists()
    page = client.get(reverse("workstations:outcomes", args=[ws.pk])).content.decode()
    assert "2025年3月1日" in page  # the team section shows since when there is no qualified lead

    client.force_login(staff)
    client.post(reverse("workstations:major_event", args=[report.pk]), {"note": "请尽快补充领衔导师"})
    report.refresh_from_db()
    assert (report.acknowledged_by, report.staff_note) == (staff, "请尽快补充领衔导师")
    with pytest.raises(OutcomeRefused):
        major_event_acknowledge(report=report, actor=staff)
    assert Notification.objects.filter(recipient=host_user, body="请尽快补充领衔导师").exists()


@pytest.mark.django_db
def test_mentor_change_needs_at_least_one_mentor(host_user, host_unit):
    ws = OperatingWorkstationFactory(host_unit=host_unit, certified_on=CERT)
    with pytest.raises(OutcomeRefused):
        major_event_file(
            workstation=ws,
            actor=host_user,
            kind=EventKind.MENTOR_CHANGE,
            title="变动",
            occurred_on=date(2025, 3, 1),
            description="",
            changes=[],
        )
    achievement = major_event_file(
        workstation=ws,
        actor=host_user,
        kind=EventKind.ACHIEVEMENT,
        title="获奖",
        occurred_on=date(2025, 3, 1),
        description="省级一等奖",
    )
    assert achievement.eligibility_problems == []
