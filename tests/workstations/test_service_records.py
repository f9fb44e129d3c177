"""Art. 4 service records: filed by the host unit with minimal personal data and consent, read by staff and the county,
refused to others, and counted in the evaluation's 成效 item with the Art. 10 reports."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.workstations.factories import OperatingWorkstationFactory, accepted
from workstations.models.evaluations import EvaluationKind
from workstations.models.outcomes import ActivityKind
from workstations.models.service_records import ServiceKind, ServiceRecord
from workstations.services.evaluations import evaluation_open, result_score
from workstations.services.outcomes import OutcomeRefused
from workstations.services.service_records import service_record_submit

pytestmark = pytest.mark.django_db
TODAY = date(2025, 1, 20)


@pytest.fixture
def ws(host_unit):
    return OperatingWorkstationFactory(host_unit=host_unit, recommender=host_unit.county, certified_on=date(2024, 1, 1))


def _record(ws, host_user, kind, held_on=date(2024, 5, 10), **extra):
    defaults = {"title": "创业沙龙", "description": "交流。", "participant_count": 12}
    if kind in (ServiceKind.FOLLOW_UP, ServiceKind.INTERNSHIP):
        defaults.update(beneficiary="王先生（茶叶电商项目）", consent=True)
    if kind == ServiceKind.SUPPORT:
        defaults.update(support_area="tax")
    defaults.update(extra)
    return service_record_submit(workstation=ws, actor=host_user, kind=kind, held_on=held_on, today=TODAY, **defaults)


def test_follow_up_needs_consent_and_takes_no_numbers(ws, host_user):
    with pytest.raises(OutcomeRefused, match=r"同意|consent"):
        _record(ws, host_user, ServiceKind.FOLLOW_UP, consent=False)
    with pytest.raises(OutcomeRefused):
        _record(ws, host_user, ServiceKind.FOLLOW_UP, beneficiary="王先生 13812345678")
    with pytest.raises(OutcomeRefused):
        _record(ws, host_user, ServiceKind.SUPPORT, support_area="")
    with pytest.raises(OutcomeRefused):
        _record(ws, host_user, ServiceKind.TRAINING_SALON, held_on=date(2023, 12, 1))  # before recognition
    record = _record(ws, host_user, ServiceKind.FOLLOW_UP)
    assert (record.beneficiary, record.consent) == ("王先生（茶叶电商项目）", True)
    # A salon is about many people: no name is kept even if one was typed.
    salon = _record(ws, host_user, ServiceKind.TRAINING_SALON, beneficiary="李四", consent=True)
    assert (salon.beneficiary, salon.consent) == ("", False)


def test_host_files_staff_and_county_read_others_are_refused(
    client, ws, host_user, staff, clerk, other_host_user, other_clerk
):
    client.force_login(host_user)
    response = client.post(
        reverse("workstations:service_new", args=[ws.pk]),
        {
            "kind": "internship",
            "mode": "on_site",
            "held_on": "2024-06-01",
            "title": "创业实习岗位",
            "description": "安排学员到孵化企业实习。",
            "participant_count": "3",
            "beneficiary": "",
            "partner": "鹰城电商产业园",
        },
    )
    assert response.status_code == 200 and "创业实习岗位" in response.content.decode()  # kept, refused
    assert not ServiceRecord.objects.exists()
    _record(ws, host_user, ServiceKind.INTERNSHIP, title="创业实习岗位")
    url = reverse("workstations:services", args=[ws.pk])
    for user in (staff, clerk, host_user):
        client.force_login(user)
        assert "创业实习岗位" in client.get(url).content.decode()
    for user in (other_host_user, other_clerk):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(clerk)
    assert client.get(reverse("workstations:service_new", args=[ws.pk])).status_code == 403


def test_service_records_count_in_the_evaluations_results_item(ws, host_user, staff):
    # No Art. 10 report met and no Art. 4 service: the 成效 item is 0.
    evaluation = evaluation_open(year=2024, kind=EvaluationKind.ANNUAL, actor=staff, today=TODAY)
    result = evaluation.results.get()
    assert result.scores["results"] == "0.0"
    assert result.compliance["results"] == {"met": 0, "of": 4, "art10_met": 0, "art10_of": 6}

    # Two of the four Art. 4 functions in 2024: a quarter of the item (half of the Art. 4 half).
    _record(ws, host_user, ServiceKind.TRAINING_SALON)
    _record(ws, host_user, ServiceKind.TRAINING_SALON, held_on=date(2024, 9, 1))  # the same function again
    _record(ws, host_user, ServiceKind.FOLLOW_UP)
    _record(ws, host_user, ServiceKind.SUPPORT, held_on=date(2025, 1, 5))  # another year: not counted for 2024
    scored = result_score(
        result=result, actor=staff, staff_scores={"plan": Decimal(10), "support": Decimal(10)}, today=TODAY
    )
    assert scored.scores["results"] == "5.0"

    # All four functions, and every quarter's consultation accepted (4 of 6 Art. 10 periods met).
    _record(ws, host_user, ServiceKind.SUPPORT)
    _record(ws, host_user, ServiceKind.INTERNSHIP)
    for month in (2, 5, 8, 11):
        accepted(ws, ActivityKind.CONSULTATION, date(2024, month, 10))
    scored = result_score(
        result=result, actor=staff, staff_scores={"plan": Decimal(10), "support": Decimal(10)}, today=TODAY
    )
    # 20 × (4/4 + 4/6) / 2 = 16.7
    assert scored.scores["results"] == "16.7"
    assert scored.compliance["results"] == {"met": 4, "of": 4, "art10_met": 4, "art10_of": 6}
