"""Art. 11(3), issue 18 item 5: 自评 and 工作成果申报 before scoring; a round's cap on 优秀 and its award bands."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import HostUnitFactory
from tests.workstations.factories import PNG, OperatingWorkstationFactory
from workstations.models.evaluations import EvaluationKind, Grade
from workstations.models.self_evaluation import SelfEvaluation
from workstations.services.evaluations import evaluation_close, evaluation_open, result_score
from workstations.services.outcomes import OutcomeRefused
from workstations.services.self_evaluation import AchievementInput, round_policy_set, self_evaluation_submit

pytestmark = pytest.mark.django_db
TODAY = date(2025, 1, 20)
RUBRIC = [{"key": "all", "label": "综合", "max": 100, "auto": ""}]


def _round(staff):
    return evaluation_open(year=2024, kind=EvaluationKind.ANNUAL, actor=staff, today=TODAY, rubric=RUBRIC)


def _score(result, staff, total, **kwargs):
    return result_score(result=result, actor=staff, staff_scores={"all": Decimal(total)}, today=TODAY, **kwargs)


def test_the_host_files_its_self_evaluation_with_evidence_before_scoring(
    client, host_unit, host_user, other_host_user, staff
):
    ws = OperatingWorkstationFactory(host_unit=host_unit, certified_on=date(2024, 1, 1))
    result = _round(staff).results.get()
    with pytest.raises(OutcomeRefused):  # an achievement without evidence
        self_evaluation_submit(
            result=result,
            actor=host_user,
            self_total=Decimal(92),
            summary="全年完成规划目标。",
            achievements=[AchievementInput("孵化企业获省级奖项", "", None)],
        )
    client.force_login(host_user)
    assert 'data-testid="selfeval-link"' in client.get(reverse("workstations:outcomes", args=[ws.pk])).content.decode()
    response = client.post(
        reverse("workstations:self_evaluation", args=[result.pk]),
        {
            "self_total": "92",
            "summary": "全年完成规划目标。",
            "a-TOTAL_FORMS": "3",
            "a-INITIAL_FORMS": "0",
            "a-0-title": "孵化企业获省级奖项",
            "a-0-evidence": SimpleUploadedFile("award.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    own = SelfEvaluation.objects.get(result=result)
    achievement = own.achievements.get()
    url = reverse("workstations:achievement_evidence", args=[achievement.pk])
    client.force_login(staff)
    page = client.get(reverse("workstations:result_score", args=[result.pk])).content.decode()
    assert "全年完成规划目标。" in page and "孵化企业获省级奖项" in page
    assert client.get(url).status_code == 200
    client.force_login(other_host_user)
    assert client.get(url).status_code == 404
    assert client.get(reverse("workstations:self_evaluation", args=[result.pk])).status_code == 404
    _score(result, staff, 85)
    with pytest.raises(OutcomeRefused):  # frozen once scored
        self_evaluation_submit(result=result, actor=host_user, self_total=Decimal(99), summary="改", achievements=[])


def test_the_round_cap_on_excellent_refuses_the_close(staff):
    evaluation = _round_with(staff, 5)
    round_policy_set(evaluation=evaluation, actor=staff, excellent_cap_percent=20, award_bands="")
    results = list(evaluation.results.order_by("pk"))
    for result, total in zip(results, (95, 91, 85, 70, 65), strict=True):
        _score(result, staff, total)
    with pytest.raises(OutcomeRefused, match="20"):  # 2 excellent, 20 % of 5 allows 1
        evaluation_close(evaluation=evaluation, actor=staff, today=TODAY)
    _score(results[1], staff, 89)
    assert evaluation_close(evaluation=evaluation, actor=staff, today=TODAY).status == "closed"


def _round_with(staff, n):
    for _ in range(n):
        OperatingWorkstationFactory(host_unit=HostUnitFactory(), certified_on=date(2024, 1, 1))
    return _round(staff)


def test_the_award_is_proposed_from_the_bands(client, staff):
    evaluation = _round_with(staff, 2)
    with pytest.raises(OutcomeRefused):
        round_policy_set(evaluation=evaluation, actor=staff, excellent_cap_percent=None, award_bands="95:30000")
    round_policy_set(evaluation=evaluation, actor=staff, excellent_cap_percent=None, award_bands="90=20000\n95=30000")
    first, second = evaluation.results.order_by("pk")
    assert _score(first, staff, 93, award_recommended=True).award_amount == Decimal("20000.00")
    assert _score(second, staff, 96, award_recommended=True).award_amount == Decimal("30000.00")
    kept = _score(second, staff, 96, award_recommended=True, award_amount=Decimal("25000.00"))
    assert kept.award_amount == Decimal("25000.00")  # staff may still set another amount
    assert _score(first, staff, 85).grade == Grade.GOOD
    client.force_login(staff)
    page = client.get(reverse("workstations:round_policy", args=[evaluation.pk])).content.decode()
    assert "95.00=30000.00" in page or "95=30000.00" in page
