"""Art. 5(3)1, 11(4)1, 11(5): the team is the certified application's lead mentor and mentors, changed by the
mentor changes reported since — a mentor leaving re-runs the checks on the whole team."""

from datetime import date

import pytest

from tests.applications.factories import make_application
from tests.workstations.factories import OperatingWorkstationFactory, mentor_leaves, team_workstation
from workstations.models import State, Workstation
from workstations.models.outcomes import EventKind
from workstations.rules.team import baseline_for, current_team, workstations_without_qualified_lead
from workstations.services.outcomes import MentorChangeInput, major_event_file

pytestmark = pytest.mark.django_db
CERT = date(2024, 1, 1)


@pytest.fixture
def ws(host_unit):
    return team_workstation(host_unit, certified_on=CERT)


def _leaves(ws, host_user, name, role="mentor", on=date(2025, 3, 1)):
    return mentor_leaves(ws, host_user, name, role=role, on=on)


def test_the_baseline_is_the_applications_lead_and_mentors(ws):
    members = baseline_for(ws)
    assert [(m.name, m.role, m.qualified, m.since) for m in members] == [
        ("张伟", "lead", True, CERT),
        ("乙", "mentor", False, CERT),  # further mentors in name order
        ("甲", "mentor", False, CERT),
    ]
    team = current_team(ws, as_of=date(2025, 1, 1))
    assert (len(team.leads), len(team.mentors), team.problems, team.baseline_complete) == (1, 2, [], True)


def test_a_mentor_leaving_leaves_too_few_mentors_and_a_new_one_restores_the_team(ws, host_user):
    report = _leaves(ws, host_user, "甲")
    assert len(report.eligibility_problems) == 1 and "2" in report.eligibility_problems[0]
    joined = major_event_file(
        workstation=ws,
        actor=host_user,
        kind=EventKind.MENTOR_CHANGE,
        title="新聘导师",
        occurred_on=date(2025, 3, 5),
        description="新聘丙。",
        changes=[MentorChangeInput("丙", "mentor", "joined", date(2025, 3, 5))],
        today=date(2025, 3, 5),
    )
    assert joined.eligibility_problems == []


def test_the_lead_leaving_starts_the_art_11_4_1_clock(ws, host_user):
    report = _leaves(ws, host_user, "张伟", role="lead")
    assert any("2025年3月1日" in p for p in report.eligibility_problems)  # dates for people
    assert workstations_without_qualified_lead([ws], as_of=date(2026, 3, 1)) == [(ws, date(2025, 3, 1))]


def test_without_an_application_the_lead_named_on_the_workstation_stands_alone(host_unit):
    bare = OperatingWorkstationFactory(host_unit=host_unit, lead_mentor_name="李娜", certified_on=CERT)
    team = current_team(bare, as_of=date(2025, 1, 1))
    assert [m.name for m in team.members] == ["李娜"]
    assert (team.baseline_complete, team.problems) == (False, [])  # mentor counts are not judged without the team


def test_detection_costs_the_same_queries_for_more_workstations(ws, host_unit, django_assert_num_queries):
    def run(n):
        for _ in range(n):
            make_application(host_unit=host_unit, state=State.ACTIVE)
        workstations = list(Workstation.objects.filter(state=State.ACTIVE))
        with django_assert_num_queries(5):  # measures in force, applications, lead mentors, mentors, mentor changes
            workstations_without_qualified_lead(workstations, as_of=date(2026, 3, 1))

    run(1)
    run(5)
