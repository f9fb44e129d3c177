"""Art. 11(1), 11(3), 11(4)2: evaluation → rectification → re-evaluation, both outcomes, and the missed deadline."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.models import Notification
from tests.workstations.factories import OperatingWorkstationFactory, accepted
from workstations.models import State, Workstation
from workstations.models.evaluations import EvaluationKind, Grade, Rectification, RectificationStatus
from workstations.models.outcomes import ActivityKind
from workstations.models.service_records import ServiceRecord
from workstations.selectors.outcomes import rectifications_failed
from workstations.services.evaluations import (
    evaluation_close,
    evaluation_open,
    result_score,
    term_ends_on,
)
from workstations.services.outcomes import OutcomeRefused
from workstations.services.rectifications import (
    rectification_deadlines_check,
    rectification_decide,
    rectification_report,
)

pytestmark = pytest.mark.django_db
TODAY = date(2025, 1, 20)


@pytest.fixture
def ws(host_unit):
    ws = OperatingWorkstationFactory(host_unit=host_unit, recommender=host_unit.county, certified_on=date(2024, 1, 1))
    for q in (2, 5, 8, 11):
        accepted(ws, ActivityKind.CONSULTATION, date(2024, q, 10))
    accepted(ws, ActivityKind.THEMED, date(2024, 6, 1))
    accepted(ws, ActivityKind.THEMED, date(2024, 12, 31))
    accepted(ws, ActivityKind.TRAINING, date(2024, 7, 1), trainees=["李明"])  # one of two
    return ws


def _score(result, staff, points, **kwargs):
    return result_score(
        result=result,
        actor=staff,
        staff_scores={"plan": points[0], "support": points[1], "results": points[2]},
        today=TODAY,
        **kwargs,
    )


def test_opening_fills_in_compliance_and_scoring_grades(ws, staff, host_user):
    evaluation = evaluation_open(year=2024, kind=EvaluationKind.ANNUAL, actor=staff, today=TODAY)
    result = evaluation.results.get()
    # 4 of 4 quarters, 1 of 1 year themed, 0 of 1 year training (one person trained, two needed).
    # 成效 (issue 18): 20 × (no Art. 4 service: 0 + Art. 10: 5 of 6 periods) / 2 = 8.3, whatever staff enter.
    assert result.scores == {"consultation": "15.0", "themed": "15.0", "training": "0.0", "results": "8.3"}
    assert result.compliance["training"] == {"met": 0, "of": 1}
    assert Notification.objects.filter(recipient=host_user, dedup_key=f"evaluation-open:{evaluation.pk}").exists()

    scored = _score(result, staff, [Decimal(15), Decimal(20), Decimal(20)])
    assert (scored.total, scored.grade) == (Decimal("73.3"), Grade.PASS)
    with pytest.raises(OutcomeRefused):
        _score(result, staff, [Decimal(15), Decimal(20), Decimal(20)], award_recommended=True)
    with pytest.raises(OutcomeRefused):
        _score(result, staff, [Decimal(16), Decimal(20), Decimal(20)])  # above the item's 15 points


def test_excellent_result_records_an_award_in_lieu_of_subsidy(ws, staff, host_user):
    accepted(ws, ActivityKind.TRAINING, date(2024, 8, 1), trainees=["王芳"])
    for kind in ("training_salon", "support", "follow_up", "internship"):  # Art. 4, counted in 成效 (issue 18)
        ServiceRecord.objects.create(
            workstation=ws,
            kind=kind,
            held_on=date(2024, 6, 1),
            title="服务",
            description="服务",
            consent=True,
            submitted_by=host_user,
            submitted_at=timezone.now(),
        )
    evaluation = evaluation_open(year=2024, kind=EvaluationKind.ANNUAL, actor=staff, today=TODAY)
    scored = _score(
        evaluation.results.get(),
        staff,
        [Decimal(14), Decimal(18), Decimal(18)],
        award_recommended=True,
        award_amount=Decimal("20000.00"),
    )
    assert (scored.total, scored.grade, scored.award_recommended, scored.award_amount) == (
        Decimal("97.0"),  # 45 automatic + 14 + 18 staff + 20 成效 (all four Art. 4 functions, Art. 10 all met)
        Grade.EXCELLENT,
        True,
        Decimal("20000.00"),
    )


def test_results_export_to_excel(client, ws, staff):
    evaluation = evaluation_open(year=2024, kind=EvaluationKind.ANNUAL, actor=staff, today=TODAY)
    _score(evaluation.results.get(), staff, [Decimal(10), Decimal(10), Decimal(5)], remarks="=HYPERLINK()")
    client.force_login(staff)
    response = client.get(reverse("workstations:evaluation_export", args=[evaluation.pk]))
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == evaluation.title
    assert rows[2][0] == ws.name
    assert rows[2][-5] == 58.3  # total: 30 automatic + 10 + 10 staff + 8.3 成效 (issue 18)
    assert rows[2][-1] == "'=HYPERLINK()"  # formula neutralised


def _failed_round(ws, staff):
    evaluation = evaluation_open(year=2024, kind=EvaluationKind.ANNUAL, actor=staff, today=TODAY)
    with pytest.raises(OutcomeRefused):
        evaluation_close(evaluation=evaluation, actor=staff, today=TODAY)  # not scored yet
    _score(evaluation.results.get(), staff, [Decimal(5), Decimal(5), Decimal(5)], remarks="骨干培养不足")
    evaluation_close(evaluation=evaluation, actor=staff, today=TODAY)
    return Rectification.objects.get(workstation=ws)


def test_a_failed_result_orders_rectification_with_a_90_day_deadline(ws, staff, host_user):
    rect = _failed_round(ws, staff)
    assert Workstation.objects.get(pk=ws.pk).state == State.RECTIFYING
    assert (rect.status, rect.ordered_on, rect.deadline) == (
        RectificationStatus.OPEN,
        TODAY,
        TODAY + timedelta(days=90),
    )
    assert ws.transitions.get().transition == "start_rectification"
    assert Notification.objects.filter(recipient=host_user, url__contains=f"/rectifications/{rect.pk}/").exists()


def test_rectification_passes_back_to_active(ws, staff, host_user):
    rect = _failed_round(ws, staff)
    with pytest.raises(OutcomeRefused):
        rectification_decide(rectification=rect, actor=staff, passed=True)  # no report filed yet
    rectification_report(rectification=rect, actor=host_user, text="已补充骨干培养。", today=TODAY + timedelta(days=30))
    rectification_decide(rectification=rect, actor=staff, passed=True, reason="整改到位")
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.PASSED
    assert Workstation.objects.get(pk=ws.pk).state == State.ACTIVE
    assert not rectifications_failed().exists()


def test_rectification_fails_and_forced_exit_is_proposed(ws, staff, staff2, host_user, other_host_user):
    rect = _failed_round(ws, staff)
    with pytest.raises(PermissionDenied):
        rectification_report(rectification=rect, actor=other_host_user, text="x", today=TODAY)
    rectification_report(rectification=rect, actor=host_user, text="部分整改。", today=TODAY + timedelta(days=10))
    with pytest.raises(OutcomeRefused):
        rectification_decide(rectification=rect, actor=staff, passed=False, reason="")
    rectification_decide(rectification=rect, actor=staff, passed=False, reason="仍未达标")
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.FAILED
    assert Workstation.objects.get(pk=ws.pk).state == State.RECTIFYING  # the exit procedure revokes
    assert list(rectifications_failed()) == [rect]
    assert Notification.objects.filter(
        recipient=staff2, subject__contains=ws.name, url__contains="rectifications"
    ).exists()


def test_missed_deadline_is_recorded_once_by_the_scheduled_check(ws, staff, host_user):
    rect = _failed_round(ws, staff)
    warned = rectification_deadlines_check(today=rect.deadline - timedelta(days=10))
    again = rectification_deadlines_check(today=rect.deadline - timedelta(days=9))
    assert (warned["warned"], again["warned"]) == (1, 0)
    assert rectification_deadlines_check(today=rect.deadline)["missed"] == 0  # the deadline day itself is in time
    first = rectification_deadlines_check(today=rect.deadline + timedelta(days=1))
    second = rectification_deadlines_check(today=rect.deadline + timedelta(days=2))
    assert (first["missed"], second["missed"]) == (1, 0)
    rect.refresh_from_db()
    assert rect.status == RectificationStatus.MISSED
    assert list(rectifications_failed()) == [rect]
    assert Notification.objects.filter(recipient=staff, dedup_key=f"rect-missed:{rect.pk}").count() == 1
    with pytest.raises(OutcomeRefused):
        rectification_report(rectification=rect, actor=host_user, text="迟交", today=rect.deadline + timedelta(days=3))


def test_end_of_term_evaluation_takes_those_whose_term_ends_that_year(staff):
    ending = OperatingWorkstationFactory(certified_on=date(2023, 3, 10))
    OperatingWorkstationFactory(certified_on=date(2024, 5, 15))
    assert term_ends_on(date(2023, 3, 10)) == date(2026, 3, 9)
    assert term_ends_on(date(2024, 2, 29)) == date(2027, 2, 28)
    evaluation = evaluation_open(
        year=2026,
        kind=EvaluationKind.END_OF_TERM,
        actor=staff,
        today=date(2026, 11, 1),
        early_reason="届满工作室须在年内完成期满评估。",
    )
    assert [r.workstation for r in evaluation.results.all()] == [ending]
    # The whole term is scored: 2023 to 2026, quarters with no consultation at all.
    assert evaluation.results.get().compliance["consultation"]["met"] == 0
    assert evaluation.results.get().compliance["consultation"]["of"] > 8


def test_evaluation_pages_are_for_city_staff(client, ws, staff, host_user):
    evaluation = evaluation_open(year=2024, kind=EvaluationKind.ANNUAL, actor=staff, today=TODAY)
    client.force_login(host_user)
    assert client.get(reverse("workstations:evaluation", args=[evaluation.pk])).status_code == 403
    client.force_login(staff)
    page = client.get(reverse("workstations:evaluation", args=[evaluation.pk]))
    assert ws.name in page.content.decode()
    response = client.post(
        reverse("workstations:result_score", args=[evaluation.results.get().pk]),
        {"score_plan": "99", "score_support": "10", "score_results": "10"},
    )
    assert response.status_code == 200  # 99 is above the item's points: the form comes back with what was typed
    assert 'value="99"' in response.content.decode()


def _identical(ws, staff, today):
    evaluation = evaluation_open(year=2026, kind=EvaluationKind.ANNUAL, actor=staff, today=today)
    return evaluation


def test_not_applicable_periods_leave_the_base_and_running_periods_do_not_count(staff):
    """Issue 15: identical manual scores, one workstation recognised in January, one in October. Before, the late
    one scored full marks for the periods that did not apply to it, and the running quarter scored zero."""
    early = OperatingWorkstationFactory(certified_on=date(2026, 1, 5))
    late = OperatingWorkstationFactory(certified_on=date(2026, 10, 9))
    for q in (2, 5, 8, 11):
        accepted(early, ActivityKind.CONSULTATION, date(2026, q, 10))
    accepted(late, ActivityKind.CONSULTATION, date(2026, 11, 10))
    for ws in (early, late):
        accepted(ws, ActivityKind.THEMED, date(2026, 11, 1))
        accepted(ws, ActivityKind.THEMED, date(2026, 11, 20))
        accepted(ws, ActivityKind.TRAINING, date(2026, 11, 5), trainees=["李明", "王芳"])
        for kind in ("training_salon", "support", "follow_up", "internship"):  # Art. 4, counted in 成效 (issue 18)
            ServiceRecord.objects.create(
                workstation=ws,
                kind=kind,
                held_on=date(2026, 11, 15),
                title="服务",
                description="服务",
                consent=True,
                submitted_by=staff,
                submitted_at=timezone.now(),
            )
    evaluation = evaluation_open(year=2026, kind=EvaluationKind.ANNUAL, actor=staff, today=date(2027, 1, 10))
    scores = {}
    for result in evaluation.results.all():
        scored = result_score(
            result=result,
            actor=staff,
            staff_scores={"plan": Decimal(12), "support": Decimal(16), "results": Decimal(16)},
            today=date(2027, 1, 10),
        )
        scores[result.workstation_id] = scored
    # Both met everything that applied to them: the same grade, on their own base. 成效 is computed (issue 18):
    # all four Art. 4 functions and every Art. 10 period met → 20, whatever staff enter; 45 + 12 + 16 + 20 = 93.
    assert scores[early.pk].total == scores[late.pk].total == Decimal("93.0")
    assert scores[early.pk].scores["results"] == scores[late.pk].scores["results"] == "20.0"
    assert scores[late.pk].compliance["consultation"] == {"met": 1, "of": 1}
    assert scores[early.pk].base == 100


def test_a_running_quarter_neither_scores_zero_nor_full(staff):
    ws = OperatingWorkstationFactory(certified_on=date(2025, 1, 1))
    for q in (2, 5, 8):
        accepted(ws, ActivityKind.CONSULTATION, date(2026, q, 10))
    evaluation = evaluation_open(
        year=2026, kind=EvaluationKind.ANNUAL, actor=staff, today=date(2026, 12, 1), early_reason="上级要求提前评价。"
    )
    result = evaluation.results.get()
    assert result.compliance["consultation"] == {"met": 3, "of": 3}  # Q4 is running: not counted
    assert result.scores["consultation"] == "15.0"
    assert "themed" not in result.scores and result.base == 70  # the running year leaves the yearly items out


def test_a_workstation_recognised_too_late_for_any_period_is_not_graded(client, staff):
    graded = OperatingWorkstationFactory(certified_on=date(2026, 3, 1))
    too_late = OperatingWorkstationFactory(certified_on=date(2026, 12, 1))
    evaluation = evaluation_open(year=2026, kind=EvaluationKind.ANNUAL, actor=staff, today=date(2027, 1, 10))
    assert [r.workstation for r in evaluation.results.all()] == [graded]
    assert [row["workstation"] for row in evaluation.not_graded] == [too_late.pk]
    client.force_login(staff)
    page = client.get(reverse("workstations:evaluation", args=[evaluation.pk])).content.decode()
    assert "not-graded" in page and too_late.name in page and "2026年12月1日" in page


def test_a_year_is_evaluated_after_it_ends_unless_an_early_evaluation_is_confirmed(client, staff):
    with pytest.raises(OutcomeRefused) as exc:
        evaluation_open(year=2026, kind=EvaluationKind.ANNUAL, actor=staff, today=date(2026, 12, 1))
    assert "尚未结束" in str(exc.value)
    with pytest.raises(OutcomeRefused):
        evaluation_open(year=2027, kind=EvaluationKind.ANNUAL, actor=staff, today=date(2026, 12, 1), early_reason="x")
    evaluation = evaluation_open(
        year=2026, kind=EvaluationKind.ANNUAL, actor=staff, today=date(2026, 12, 1), early_reason="配合省厅抽查。"
    )
    assert evaluation.early_reason == "配合省厅抽查。"


def test_closing_goes_through_a_page_naming_who_will_rectify(client, ws, staff):
    evaluation = evaluation_open(year=2024, kind=EvaluationKind.ANNUAL, actor=staff, today=TODAY)
    _score(evaluation.results.get(), staff, [Decimal(5), Decimal(5), Decimal(5)], remarks="骨干培养不足")
    client.force_login(staff)
    url = reverse("workstations:evaluation_close", args=[evaluation.pk])
    page = client.get(url).content.decode()
    assert "close-rectify" in page and ws.name in page and "不合格 1" in page
    assert Workstation.objects.get(pk=ws.pk).state == State.ACTIVE  # nothing happened on GET
    client.post(url)
    assert Workstation.objects.get(pk=ws.pk).state == State.RECTIFYING
