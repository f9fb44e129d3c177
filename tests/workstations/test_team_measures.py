"""The team checks read the numbers of the measures in force on the day judged, as the application checks do
(issue 18 part 6): Art. 5(3)1's further mentors (``min_further_mentors``) and Art. 11(4)1's years without a qualified
lead mentor (``no_lead_exit_years``). A version entered by the bureau changes them from its day on, never before."""

from datetime import date

import pytest

from portal.models import Notification
from tests.portal.test_measures import new_version
from tests.workstations.factories import mentor_leaves, team_workstation
from workstations.rules.team import current_team, natural_exit_day
from workstations.services.exits import detect_missing_lead_mentors

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(host_unit):
    """Certified 2024 with its lead mentor 张伟 and two further mentors."""
    return team_workstation(host_unit, certified_on=date(2024, 1, 1))


def test_two_further_mentors_fall_short_from_the_day_a_version_asks_for_three(ws, staff):
    new_version(staff, effective_on=date(2025, 6, 1), min_further_mentors=3)
    assert current_team(ws, as_of=date(2025, 5, 31)).problems == []
    problems = current_team(ws, as_of=date(2025, 6, 1)).problems
    assert len(problems) == 1 and "3" in problems[0] and "2" in problems[0]


def test_the_lead_mentors_absence_is_a_ground_for_exit_after_the_years_in_force(ws, staff, host_user):
    mentor_leaves(ws, host_user, "张伟", role="lead", on=date(2025, 3, 1))
    # Under version 1 (one year) the job would flag the workstation on 1 March 2026; a version in force from
    # 1 June 2025 gives two years, so it warns 65 days before 1 March 2027 and flags on that day.
    new_version(staff, effective_on=date(2025, 6, 1), no_lead_exit_years=2)
    assert detect_missing_lead_mentors(as_of=date(2026, 3, 1)) == {"flagged": 0, "warned": 0}
    assert detect_missing_lead_mentors(as_of=date(2026, 12, 25)) == {"flagged": 0, "warned": 0}
    assert detect_missing_lead_mentors(as_of=date(2026, 12, 26)) == {"flagged": 0, "warned": 1}
    assert detect_missing_lead_mentors(as_of=date(2027, 2, 28)) == {"flagged": 0, "warned": 0}  # warned once
    assert detect_missing_lead_mentors(as_of=date(2027, 3, 1)) == {"flagged": 1, "warned": 0}
    flag = Notification.objects.get(recipient=staff, dedup_key__startswith="no-lead:flag")
    assert "2027年3月1日" in flag.rendered()[1]
    team = current_team(ws, as_of=date(2026, 3, 1))
    assert any("730" in p for p in team.problems)  # "natural exit after 730 days", not 365


def test_a_year_from_29_february_ends_on_1_march():
    assert natural_exit_day(date(2024, 2, 29), 1) == date(2025, 3, 1)
    assert natural_exit_day(date(2025, 3, 1), 1) == date(2026, 3, 1)
    assert natural_exit_day(date(2025, 3, 1), 2) == date(2027, 3, 1)
