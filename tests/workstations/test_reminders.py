"""Art. 10 reminders: before a period ends the host unit hears what is not yet met; staff hear of misses; once."""

from datetime import date

import pytest

from portal.models import Notification
from tests.workstations.factories import OperatingWorkstationFactory, accepted
from workstations import tasks
from workstations.models.outcomes import ActivityKind, WorkPlan
from workstations.services.reminders import outcome_reminders_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(host_unit):
    return OperatingWorkstationFactory(host_unit=host_unit, recommender=host_unit.county, certified_on=date(2025, 1, 1))


def test_running_the_reminder_job_twice_sends_each_reminder_once(ws, host_user, staff, staff2):
    first = outcome_reminders_send(today=date(2026, 3, 20))  # 11 days before Q1 ends, no consultation yet
    second = outcome_reminders_send(today=date(2026, 3, 20))
    third = outcome_reminders_send(today=date(2026, 3, 25))
    assert first["due"] == 1 and second["due"] == 0 and third["due"] == 0
    due = Notification.objects.filter(recipient=host_user, dedup_key__startswith="outcome-due:")
    assert list(due.values_list("dedup_key", flat=True)) == [f"outcome-due:{ws.pk}:consultation:2026Q1"]
    # The plan was due 90 days after certification: one reminder, however often the job runs.
    assert Notification.objects.filter(recipient=host_user, dedup_key=f"plan-overdue:{ws.pk}").count() == 1
    # 2025 Q4's consultation, 2025's themed activities and training were missed (earlier quarters ended too long
    # ago to report): staff hear it once, in one message per requirement and period.
    missed = Notification.objects.filter(recipient=staff, dedup_key__startswith="outcome-missed:")
    assert sorted(missed.values_list("dedup_key", flat=True)) == [
        "outcome-missed:consultation:2025Q4",
        "outcome-missed:themed:2025",
        "outcome-missed:training:2025",
    ]
    assert Notification.objects.filter(recipient=staff2, dedup_key="outcome-missed:themed:2025").count() == 1
    assert ws.name in missed.first().body


def test_no_reminder_when_met_or_too_early(ws, host_user):
    WorkPlan.objects.create(
        workstation=ws,
        version=1,
        direction="d",
        focus="f",
        scale="s",
        targets_year1="1",
        targets_year2="2",
        targets_year3="3",
        submitted_by=host_user,
        submitted_at="2025-02-01T00:00:00+08:00",
    )
    accepted(ws, ActivityKind.CONSULTATION, date(2026, 1, 10))
    assert outcome_reminders_send(today=date(2026, 3, 20))["due"] == 0
    assert outcome_reminders_send(today=date(2026, 4, 2))["due"] == 0  # Q2 has just begun
    # 56 days before the year ends: the yearly requirements are warned, Q4's consultation only in its last 15 days.
    assert outcome_reminders_send(today=date(2026, 11, 5))["due"] == 2
    assert outcome_reminders_send(today=date(2026, 12, 20))["due"] == 1
    assert not Notification.objects.filter(dedup_key__startswith="plan-overdue").exists()


def test_scheduled_tasks_are_registered_and_run(settings, ws):
    tasks_in_schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"workstations.tasks.send_outcome_reminders", "workstations.tasks.check_rectification_deadlines"} <= (
        tasks_in_schedule
    )
    assert set(tasks.send_outcome_reminders.delay().get()) == {"due", "missed", "plan"}
    assert set(tasks.check_rectification_deadlines.delay().get()) == {"warned", "missed", "staff_reminded"}
