"""Art. 11(1): the term — stored at certification, shown, renewed by decision after a passed end-of-term evaluation,
ended by exit after a failed one, flagged to staff at 90, 30 and 0 days when undecided; the re-apply ban."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from portal.measures.models import MeasuresVersion
from portal.models import Notification
from review.publicity.confirmation import confirmation_issue
from tests.factories import WorkstationFactory
from tests.workstations.factories import OperatingWorkstationFactory
from workstations.models import State, TransitionLog, Workstation
from workstations.models.evaluations import EvaluationKind, RectificationStatus
from workstations.models.exits import ExitGround
from workstations.models.terms import Term, TermBasis, TermFlag, TermOutcome
from workstations.selectors.terms import reapply_banned_until
from workstations.services.evaluations import (
    evaluation_close,
    evaluation_open,
    result_score,
)
from workstations.services.exits import exit_confirm, exit_propose, exit_statement
from workstations.services.outcomes import OutcomeRefused, plan_submit
from workstations.services.rectifications import rectification_decide, rectification_report
from workstations.services.terms import (
    term_flags_check,
    term_open_first,
    term_renew,
)

pytestmark = pytest.mark.django_db
PLAN = {
    "direction": "方向",
    "focus": "重点",
    "scale": "规模",
    "targets_year1": "一",
    "targets_year2": "二",
    "targets_year3": "三",
}


def _operating(host_unit, staff, certified_on=date(2023, 6, 1), lead="张伟"):
    ws = OperatingWorkstationFactory(
        host_unit=host_unit, recommender=host_unit.county, lead_mentor_name=lead, certified_on=certified_on
    )
    term_open_first(workstation=ws, starts_on=certified_on, decision_reference="平人社〔2023〕5号", actor=staff)
    return ws


RUBRIC = [
    {"key": "plan", "label": "三年工作规划及落实", "max": 50, "auto": ""},
    {"key": "results", "label": "工作成效与社会影响", "max": 50, "auto": ""},
]


# The terms end before their year does, so their end-of-term round is an early evaluation of the running year
# (issue 15: the running year is evaluated only with the reason stated).
EARLY = "任期于本年届满，期满评估须在届满前完成。"


def _end_of_term(staff, points, year=2026, today=date(2026, 5, 20)):
    """Open an end-of-term round (staff-scored items only), score every result ``points`` and close it."""
    evaluation = evaluation_open(
        year=year, kind=EvaluationKind.END_OF_TERM, actor=staff, today=today, rubric=RUBRIC, early_reason=EARLY
    )
    for result in evaluation.results.all():
        result_score(
            result=result,
            actor=staff,
            staff_scores={"plan": Decimal(points[0]), "results": Decimal(points[1])},
            today=today,
        )
    return evaluation_close(evaluation=evaluation, actor=staff, today=today)


# --- certification stores and shows the term ------------------------------------------------------------------


def test_certification_stores_the_term_and_the_document_workstation_page_and_directory_show_it(
    client, staff, host_user, host_unit
):
    ws = WorkstationFactory(host_unit=host_unit, lead_mentor_name="张伟", state=State.PUBLICITY_CLEARED)
    document = confirmation_issue(workstations=[ws], actor=staff, seq=5, issued_on=date(2026, 6, 1))
    term = Term.objects.get(workstation=ws)
    assert (term.number, term.starts_on, term.ends_on, term.years) == (1, date(2026, 6, 1), date(2029, 5, 31), 3)
    assert term.basis == TermBasis.CERTIFICATION and term.decision_reference == document.number
    listing = document.body["attachments"][0]  # issue 17: the list is the document's 附件
    assert listing["columns"][-1] == "任期"
    assert listing["rows"][0][-1] == "2026年6月1日—2029年5月31日"

    client.force_login(host_user)
    page = client.get(reverse("workstations:detail", args=[ws.pk])).content.decode()
    assert "2026年6月1日" in page and "2029年5月31日" in page

    Workstation.objects.filter(pk=ws.pk).update(state=State.ACTIVE)
    client.logout()
    directory = client.get(reverse("publicity_public:directory")).content.decode()
    assert "2026年6月1日—2029年5月31日" in directory


def test_a_term_from_29_february_ends_on_28_february(staff, host_unit):
    ws = _operating(host_unit, staff, certified_on=date(2024, 2, 29))
    assert ws.terms.get().ends_on == date(2027, 2, 28)


# --- the end-of-term evaluation decides ------------------------------------------------------------------------


def test_a_passed_end_of_term_evaluation_renews_by_decision_with_a_new_plan_due(client, staff, host_user, host_unit):
    ws = _operating(host_unit, staff)
    plan_submit(workstation=ws, actor=host_user, **PLAN)
    with pytest.raises(OutcomeRefused, match="期满评估"):
        term_renew(workstation=ws, actor=staff, decision_reference="平人社〔2026〕30号")
    _end_of_term(staff, (45, 45))

    with pytest.raises(PermissionDenied):
        term_renew(workstation=ws, actor=host_user, decision_reference="平人社〔2026〕30号")
    new = term_renew(workstation=ws, actor=staff, decision_reference="平人社〔2026〕30号", decided_on=date(2026, 5, 25))
    assert (new.number, new.basis, new.starts_on, new.ends_on) == (
        2,
        TermBasis.RENEWAL,
        date(2026, 6, 1),
        date(2029, 5, 31),
    )
    assert new.plan_due_on == date(2026, 6, 1) + timedelta(days=90)
    assert Term.objects.get(workstation=ws, number=1).outcome == TermOutcome.RENEWED
    assert Notification.objects.filter(recipient=host_user, subject__contains="三年工作规划").exists()
    with pytest.raises(OutcomeRefused):  # a term is renewed once
        term_renew(workstation=ws, actor=staff, decision_reference="平人社〔2026〕31号")

    # The old plan does not count for the new term: the outcomes page asks for a new one until it is filed.
    client.force_login(host_user)
    url = reverse("workstations:outcomes", args=[ws.pk])
    assert 'data-testid="term-plan-status"' in client.get(url).content.decode()
    plan_submit(workstation=ws, actor=host_user, **PLAN)
    assert 'data-testid="term-plan-status"' not in client.get(url).content.decode()


def test_renewal_goes_through_a_confirmation_page_that_states_the_consequence(client, staff, clerk, host_unit):
    ws = _operating(host_unit, staff)
    _end_of_term(staff, (45, 45))
    url = reverse("workstations:term_renew", args=[ws.pk])
    client.force_login(clerk)
    assert client.get(url).status_code == 403
    client.force_login(staff)
    page = client.get(url).content.decode()
    assert 'data-testid="renew-consequence"' in page and "2029年5月31日" in page
    response = client.post(url, {"decision_reference": "", "decided_on": "2026-05-25"})
    assert response.status_code == 200 and ws.terms.count() == 1  # the number is required; nothing is lost
    response = client.post(url, {"decision_reference": "平人社〔2026〕30号", "decided_on": "2026-05-25"})
    assert response.status_code == 302 and ws.terms.count() == 2


def test_a_failed_end_of_term_evaluation_means_rectification_then_exit_and_no_renewal(
    staff, staff2, host_user, host_unit
):
    ws = _operating(host_unit, staff)
    _end_of_term(staff, (20, 20))
    ws.refresh_from_db()
    assert ws.state == State.RECTIFYING
    with pytest.raises(OutcomeRefused):
        term_renew(workstation=ws, actor=staff, decision_reference="平人社〔2026〕30号")
    rect = ws.rectifications.get()
    rectification_report(rectification=rect, actor=host_user, text="已整改。", today=date(2026, 6, 1))
    rectification_decide(rectification=rect, actor=staff, passed=False, reason="仍不达标。")
    assert ws.rectifications.get().status == RectificationStatus.FAILED
    case = exit_propose(
        workstation=ws,
        ground=ExitGround.FAILED_RECTIFICATION,
        facts="整改仍不达标。",
        actor=staff,
        evidence_record=str(rect.pk),  # issue 15: the exit rests on the failed rectification
    )
    exit_statement(case=case, statement="无异议。", actor=host_user)
    exit_confirm(  # issue 17: the office's number, the issue date and the answer to the statement
        case=case, actor=staff2, seq=31, issued_on=timezone.localdate(), statement_reply="申辩无异议，维持撤销。"
    )
    ws.refresh_from_db()
    assert ws.state == State.REVOKED
    # An exited workstation's term is not flagged any more, and cannot be renewed.
    assert term_flags_check(today=date(2026, 5, 31)) == {"flagged": 0, "plan": 0}
    with pytest.raises(OutcomeRefused):
        term_renew(workstation=ws, actor=staff, decision_reference="平人社〔2026〕30号")


def test_a_rectification_that_passes_after_a_failed_end_of_term_evaluation_allows_renewal(staff, host_user, host_unit):
    ws = _operating(host_unit, staff)
    _end_of_term(staff, (20, 20))
    rect = Workstation.objects.get(pk=ws.pk).rectifications.get()
    rectification_report(rectification=rect, actor=host_user, text="已整改。", today=date(2026, 6, 1))
    rectification_decide(rectification=rect, actor=staff, passed=True, reason="整改到位。")
    new = term_renew(workstation=ws, actor=staff, decision_reference="平人社〔2026〕40号", decided_on=date(2026, 8, 1))
    assert new.number == 2 and new.plan_due_on == date(2026, 8, 1) + timedelta(days=90)


# --- a term ending with no decision ----------------------------------------------------------------------------


def test_an_undecided_term_is_flagged_at_90_30_and_0_days_once_each(staff, host_unit):
    ws = _operating(host_unit, staff)
    end = ws.terms.get().ends_on  # 2026-05-31
    notes = Notification.objects.filter(recipient=staff, dedup_key__startswith="term-flag:")
    assert term_flags_check(today=end - timedelta(days=91))["flagged"] == 0
    for days, expected in [(90, 1), (90, 1), (60, 1), (30, 2), (29, 2), (0, 3), (0, 3)]:
        term_flags_check(today=end - timedelta(days=days))
        assert notes.count() == expected, days
    assert sorted(TermFlag.objects.values_list("days_before", flat=True)) == [0, 30, 90]
    assert "今天" in notes.get(dedup_key__endswith=":0").subject
    # After the day: nothing more, however often the job runs.
    term_flags_check(today=end + timedelta(days=10))
    assert notes.count() == 3


def test_a_missed_run_catches_up_with_one_flag_for_the_tightest_threshold(staff, host_unit):
    ws = _operating(host_unit, staff)
    end = ws.terms.get().ends_on
    term_flags_check(today=end - timedelta(days=10))
    assert sorted(TermFlag.objects.values_list("days_before", flat=True)) == [30, 90]
    assert Notification.objects.filter(recipient=staff, dedup_key__startswith="term-flag:").count() == 1


def test_a_renewed_term_is_not_flagged(staff, host_unit):
    ws = _operating(host_unit, staff)
    _end_of_term(staff, (45, 45))
    term_renew(workstation=ws, actor=staff, decision_reference="平人社〔2026〕30号", decided_on=date(2026, 5, 25))
    assert term_flags_check(today=date(2026, 5, 31))["flagged"] == 0


def test_the_flag_job_is_on_the_beat_schedule():
    from workstations import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["workstations-term-flags"]
    assert entry["task"] == "workstations.tasks.check_term_flags"
    assert tasks.check_term_flags.name == entry["task"]


def test_staff_see_ending_terms_and_others_are_refused(client, staff, host_user, clerk, host_unit):
    ws = _operating(host_unit, staff, certified_on=timezone.localdate() - timedelta(days=3 * 365 - 20))
    client.force_login(staff)
    page = client.get(reverse("workstations:terms")).content.decode()
    assert ws.name in page
    for user in (host_user, clerk):
        client.force_login(user)
        assert client.get(reverse("workstations:terms")).status_code == 403


# --- re-applying after a revocation ----------------------------------------------------------------------------


def test_a_revoked_host_unit_may_not_apply_again_during_the_ban(host_unit, staff):
    old = OperatingWorkstationFactory(host_unit=host_unit, state=State.REVOKED)
    # The transition log is append-only (issue 14): the revocation is logged today and the clock is moved instead.
    TransitionLog.objects.create(
        workstation=old, transition="revoke", from_state=State.ACTIVE, to_state=State.REVOKED, actor=staff
    )
    new = WorkstationFactory(host_unit=host_unit, predecessor=old)
    problems = new.blockers("submit")
    assert any("不得再次申报" in p or "may not apply" in p for p in problems)
    later = timezone.localdate() + timedelta(days=400)
    assert reapply_banned_until(host_unit.pk, today=later) is not None  # the default ban is longer than 400 days
    # The ban is one of the measures' numbers (issue 18 part 6): the version in force on the revocation day sets it.
    version = MeasuresVersion.objects.get(number=1)
    MeasuresVersion.objects.filter(pk=version.pk).update(values={**version.values, "reapply_ban_years": 0})
    assert not any("不得再次申报" in p for p in new.blockers("submit"))
    MeasuresVersion.objects.filter(pk=version.pk).update(values={**version.values, "reapply_ban_years": 1})
    assert reapply_banned_until(host_unit.pk) is not None  # revoked today: banned under a one-year ban
    assert reapply_banned_until(host_unit.pk, today=later) is None  # 400 days on: a one-year ban is over


# --- names (issue 18 item 7, the stated rule) -------------------------------------------------------------------


def test_the_naming_rule_is_stated_on_the_workstation_and_outcomes_pages(client, staff, host_user, host_unit):
    ws = _operating(host_unit, staff, lead="张伟")
    client.force_login(host_user)
    detail = client.get(reverse("workstations:detail", args=[ws.pk])).content.decode()
    assert 'data-testid="name-rule"' in detail and "第六条第（五）项" in detail
    outcomes = client.get(reverse("workstations:outcomes", args=[ws.pk])).content.decode()
    assert 'data-testid="name-rule"' in outcomes and "现任领衔创业导师：" in outcomes


def test_duplicate_names_are_told_apart_in_lists(client, staff, host_user, host_unit):
    from tests.factories import HostUnitFactory
    from tests.workstations.factories import accepted
    from workstations.models.outcomes import ActivityKind

    same = [
        _operating(host_unit, staff, lead="张伟"),
        _operating(HostUnitFactory(name="鹰城创业园"), staff, lead="张伟"),
    ]
    single = _operating(HostUnitFactory(name="平顶山学院创新创业园"), staff, lead="李娜")
    for ws in [*same, single]:
        accepted(ws, ActivityKind.CONSULTATION, date(2024, 2, 1), status="submitted")
    client.force_login(staff)
    page = client.get(reverse("workstations:report_list")).content.decode()
    assert f"张伟大众创业指导大师工作室（{host_unit.name}）" in page
    assert "张伟大众创业指导大师工作室（鹰城创业园）" in page
    assert "李娜大众创业指导大师工作室（" not in page  # a name that occurs once stays as it is


def test_a_renewed_workstation_is_in_the_end_of_term_round_of_its_new_term(staff, host_unit):
    ws = _operating(host_unit, staff)  # term 1: 2023-06-01 – 2026-05-31
    _end_of_term(staff, (45, 45))
    term_renew(workstation=ws, actor=staff, decision_reference="平人社〔2026〕30号", decided_on=date(2026, 5, 25))
    later = evaluation_open(
        year=2029,
        kind=EvaluationKind.END_OF_TERM,
        actor=staff,
        today=date(2029, 5, 1),
        rubric=RUBRIC,
        early_reason=EARLY,
    )
    assert list(later.results.values_list("workstation_id", flat=True)) == [ws.pk]  # term 2 ends 2029-05-31
    assert (
        evaluation_open(
            year=2027,
            kind=EvaluationKind.END_OF_TERM,
            actor=staff,
            today=date(2027, 5, 1),
            rubric=RUBRIC,
            early_reason=EARLY,
        ).results.count()
        == 0
    )
