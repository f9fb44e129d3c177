"""Issue 19 item 4: every deadline a user must meet is reminded, once per deadline and stage, and not when the task
is already done (portal/deadlines.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from portal.deadlines import send_deadline_reminders, stage_reached
from portal.models import Notification
from portal.workdays.models import CalendarDay
from tests.applications.factories import CallFactory, make_application
from tests.workstations.exit_helpers import failed_rectification
from tests.workstations.factories import OperatingWorkstationFactory
from workstations.models.evaluations import Rectification, RectificationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _calendar_around_today(db):
    """Working-day rows around today (weekdays work) where the seeded calendar has none."""
    today = timezone.localdate()
    days = [today + dt.timedelta(days=d) for d in range(-60, 61)]
    have = set(CalendarDay.objects.filter(date__in=days).values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, is_working_day=d.weekday() < 5) for d in days if d not in have]
    )


def _got(user, key):
    return list(Notification.objects.filter(recipient=user, message_key=key).order_by("pk"))


def test_stages_send_the_tightest_reached_and_nothing_outside():
    assert stage_reached(10, (7, 1)) is None
    assert stage_reached(7, (7, 1)) == 7
    assert stage_reached(0, (7, 1)) == 1
    assert stage_reached(-1, (7, 1)) is None


def test_a_draft_is_reminded_a_week_and_a_day_before_the_call_closes_once_each(host_unit, host_user):
    call = CallFactory()
    application = make_application(host_unit=host_unit, call=call, materials=False)
    send_deadline_reminders(today=call.closes_on - dt.timedelta(days=10))
    assert _got(host_user, "deadline.call_draft") == []
    for _run in range(2):  # the job runs twice on the same day
        send_deadline_reminders(today=call.closes_on - dt.timedelta(days=7))
    send_deadline_reminders(today=call.closes_on - dt.timedelta(days=5))
    assert len(_got(host_user, "deadline.call_draft")) == 1
    send_deadline_reminders(today=call.closes_on - dt.timedelta(days=1))
    notes = _got(host_user, "deadline.call_draft")
    assert len(notes) == 2 and notes[1].url.endswith(f"/{application.pk}/")
    assert call.title in notes[1].subject


def test_a_submitted_application_is_not_reminded(host_unit, host_user):
    call = CallFactory()
    make_application(host_unit=host_unit, call=call, state="submitted", materials=False)
    send_deadline_reminders(today=call.closes_on - dt.timedelta(days=1))
    assert _got(host_user, "deadline.call_draft") == []


def test_the_recommender_is_reminded_of_what_waits_for_it_before_its_deadline(host_unit, clerk, other_clerk):
    call = CallFactory(recommendation_deadline=timezone.localdate() + dt.timedelta(days=25))
    make_application(host_unit=host_unit, call=call, state="submitted", materials=False)
    make_application(host_unit=host_unit, call=call, state="recommended", materials=False)  # done: not counted
    day = call.recommendation_deadline - dt.timedelta(days=1)
    send_deadline_reminders(today=day)
    send_deadline_reminders(today=day)
    [note] = _got(clerk, "deadline.recommendation")
    assert note.params["count"] == 1
    assert _got(other_clerk, "deadline.recommendation") == []  # another county has nothing waiting


def test_nothing_waiting_for_the_recommender_sends_nothing(host_unit, clerk):
    call = CallFactory()
    make_application(host_unit=host_unit, call=call, state="recommended", materials=False)
    send_deadline_reminders(today=call.closes_on)
    assert _got(clerk, "deadline.recommendation") == []


def test_experts_with_ballots_to_cast_are_reminded_before_the_round_closes(staff):
    from review import services
    from tests.review.factories import open_round

    review_round, experts, [cand] = open_round(staff, experts=3)
    review_round.closes_at = timezone.now() + dt.timedelta(days=2)
    review_round.save(update_fields=["closes_at"])
    services.ballot_cast(candidate=cand, choice="approve", actor=experts[0])
    send_deadline_reminders()
    send_deadline_reminders()
    assert _got(experts[0], "deadline.ballot") == []  # already voted
    assert [len(_got(e, "deadline.ballot")) for e in experts[1:]] == [1, 1]


def test_the_host_unit_is_reminded_of_its_exit_statement_deadline_in_working_days(host_unit, host_user, staff):
    from workstations.models.exits import ExitGround
    from workstations.services.exits import exit_propose, exit_statement, statement_deadline

    ws = OperatingWorkstationFactory(
        host_unit=host_unit, recommender=host_unit.county, certified_on=dt.date(2024, 1, 1)
    )
    case = exit_propose(
        workstation=ws,
        ground=ExitGround.FAILED_RECTIFICATION,
        facts="复评仍不达标",
        actor=staff,
        evidence_record=str(failed_rectification(ws).pk),
    )
    deadline = statement_deadline(case)
    send_deadline_reminders(today=timezone.localdate())  # five working days ahead: not yet
    assert _got(host_user, "deadline.exit_statement") == []
    send_deadline_reminders(today=deadline)
    send_deadline_reminders(today=deadline)
    [note] = _got(host_user, "deadline.exit_statement")
    assert note.params["date"] == {"date": deadline.isoformat()}

    exit_statement(case=case, statement="整改期间导师外出培训。", actor=host_user)
    Notification.objects.filter(message_key="deadline.exit_statement").delete()
    send_deadline_reminders(today=deadline)
    assert _got(host_user, "deadline.exit_statement") == []  # filed: nothing to remind


def test_the_work_plan_is_reminded_before_it_is_due_and_not_once_filed(host_unit, host_user):
    from workstations.selectors.outcomes import plan_due_on

    ws = OperatingWorkstationFactory(host_unit=host_unit, certified_on=timezone.localdate() - dt.timedelta(days=30))
    due = plan_due_on(ws)
    send_deadline_reminders(today=due - dt.timedelta(days=3))
    send_deadline_reminders(today=due - dt.timedelta(days=3))
    assert len(_got(host_user, "deadline.plan")) == 1
    text = dict.fromkeys(["direction", "focus", "scale", "targets_year1", "targets_year2", "targets_year3"], "计划")
    ws.plans.create(version=1, submitted_by=host_user, submitted_at=timezone.now(), **text)
    send_deadline_reminders(today=due)
    assert len(_got(host_user, "deadline.plan")) == 1


def test_an_open_rectification_is_reminded_a_day_before_and_not_once_reported(host_unit, host_user):
    ws = OperatingWorkstationFactory(host_unit=host_unit)
    today = timezone.localdate()
    rect = Rectification.objects.create(
        workstation=ws,
        reason="年度评价不合格。",
        ordered_on=today - dt.timedelta(days=80),
        deadline=today + dt.timedelta(days=1),
    )
    send_deadline_reminders(today=today)
    send_deadline_reminders(today=today)
    assert [n.dedup_key for n in _got(host_user, "rectification.due")] == [f"deadline:rect:{rect.pk}:1"]
    Rectification.objects.filter(pk=rect.pk).update(status=RectificationStatus.REPORTED)
    send_deadline_reminders(today=today - dt.timedelta(days=6))
    assert len(_got(host_user, "rectification.due")) == 1


def test_self_evaluation_and_county_opinion_are_reminded_a_week_into_an_open_evaluation(
    host_unit, host_user, clerk, other_clerk, staff
):
    from decimal import Decimal

    from workstations.models.county import CountyOpinion
    from workstations.models.evaluations import EvaluationKind
    from workstations.services.evaluations import evaluation_open
    from workstations.services.self_evaluation import self_evaluation_submit

    ws = OperatingWorkstationFactory(
        host_unit=host_unit, recommender=host_unit.county, certified_on=dt.date(2024, 1, 1)
    )
    rubric = [{"key": "all", "label": "综合", "max": 100, "auto": ""}]
    evaluation = evaluation_open(
        year=2024, kind=EvaluationKind.ANNUAL, actor=staff, today=dt.date(2025, 1, 20), rubric=rubric
    )
    today = timezone.localdate()
    send_deadline_reminders(today=today + dt.timedelta(days=6))
    assert _got(host_user, "deadline.self_evaluation") == [] and _got(clerk, "deadline.county_opinion") == []
    send_deadline_reminders(today=today + dt.timedelta(days=7))
    send_deadline_reminders(today=today + dt.timedelta(days=8))
    assert len(_got(host_user, "deadline.self_evaluation")) == 1
    [note] = _got(clerk, "deadline.county_opinion")
    assert note.params == {"title": evaluation.title, "year": 2024, "count": 1}
    assert _got(other_clerk, "deadline.county_opinion") == []

    self_evaluation_submit(
        result=evaluation.results.get(),
        actor=host_user,
        self_total=Decimal(90),
        summary="全年完成规划目标。",
        achievements=[],
    )
    CountyOpinion.objects.create(
        workstation=ws,
        county=host_unit.county,
        year=2024,
        opinion="运行良好。",
        recorded_by=clerk,
        recorded_at=timezone.now(),
    )
    Notification.objects.filter(message_key__startswith="deadline.").delete()
    send_deadline_reminders(today=today + dt.timedelta(days=9))
    assert _got(host_user, "deadline.self_evaluation") == [] and _got(clerk, "deadline.county_opinion") == []


def test_the_payer_is_reminded_once_a_grants_publicity_is_over_and_not_once_paid(host_unit, staff, clerk):
    from subsidies.models.trail import Channel
    from subsidies.services.trail import disbursement_record, grant_publicity_start
    from tests.subsidies.factories import grant, operating_workstation

    ws = operating_workstation(host_unit)
    city = grant(ws, staff)
    county = grant(ws, clerk, "20000.00", kind="county_grant")
    today = timezone.localdate()
    published = grant_publicity_start(entry=city, actor=staff, today=today)
    grant_publicity_start(entry=county, actor=clerk, today=today)
    send_deadline_reminders(today=published.last_day)  # still in publicity
    assert _got(staff, "deadline.grant_payment") == []
    after = published.last_day + dt.timedelta(days=1)
    send_deadline_reminders(today=after)
    send_deadline_reminders(today=after)
    [to_staff] = _got(staff, "deadline.grant_payment")
    [to_county] = _got(clerk, "deadline.grant_payment")  # the county pays its matching grant
    assert to_staff.params["kind"] == "city_grant" and to_county.params["kind"] == "county_grant"

    disbursement_record(
        entry=city,
        actor=staff,
        channel=Channel.CITY_EMPLOYMENT,
        document_number="平人社拨〔2026〕1号",
        paid_on=after,
        today=after,
    )
    Notification.objects.filter(message_key="deadline.grant_payment").delete()
    send_deadline_reminders(today=after)
    assert _got(staff, "deadline.grant_payment") == [] and len(_got(clerk, "deadline.grant_payment")) == 1
