"""Art. 6(5): the uniform plaque — name by the one naming rule, number, PDF of the set size, handover → active."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import WorkstationFactory
from tests.portal.pdf_checks import all_fonts_embedded, page_count, page_size_mm, pdf_fonts, pdf_text
from workstations.models import State, TransitionLog
from workstations.services.lifecycle import TransitionRefused
from workstations.services.plaques import chinese_year_month, plaque_hand_over, plaque_issue, plaque_remove

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified(host_unit):
    return WorkstationFactory(host_unit=host_unit, lead_mentor_name="欧阳明远", state=State.CERTIFIED)


def test_plaque_pdf_carries_name_number_and_issuer(certified, staff, settings, django_capture_on_commit_callbacks):
    settings.PLAQUE_SPEC = {"width_mm": 600, "height_mm": 400, "issuer": "平顶山市人力资源和社会保障局"}
    with django_capture_on_commit_callbacks(execute=True):  # the render task is sent after commit
        plaque = plaque_issue(workstation=certified, actor=staff, issued_on=dt.date(2026, 6, 1))
    plaque.refresh_from_db()
    assert plaque.number == "平创导2026-001"
    assert plaque.name == "欧阳明远大众创业指导大师工作室" == certified.name
    data = plaque.pdf.read()
    text = pdf_text(data)
    for expected in [plaque.name, plaque.number, "平顶山市人力资源和社会保障局", "二〇二六年六月"]:
        assert expected in text, expected
    assert page_count(data) == 1
    assert page_size_mm(data) == (600.0, 400.0)
    assert all(name.startswith("Noto-") for name in pdf_fonts(data))
    assert all_fonts_embedded(data)
    certified.refresh_from_db()
    assert certified.plaque_number == plaque.number
    assert certified.state == State.CERTIFIED  # made, not yet handed over


def test_every_plaque_follows_the_spec_in_settings(certified, staff, settings, django_capture_on_commit_callbacks):
    settings.PLAQUE_SPEC = {"width_mm": 900, "height_mm": 600, "issuer": "平顶山市人力资源和社会保障局"}
    with django_capture_on_commit_callbacks(execute=True):
        plaque = plaque_issue(workstation=certified, actor=staff)
    plaque.refresh_from_db()
    assert page_size_mm(plaque.pdf.read()) == (900.0, 600.0)


def test_render_task_stores_the_pdf_once(certified, staff, django_capture_on_commit_callbacks):
    from workstations.tasks import render_plaque_pdf

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        plaque = plaque_issue(workstation=certified, actor=staff)
    assert len(callbacks) == 1
    plaque.refresh_from_db()
    assert not plaque.pdf  # rendered by the worker, outside the issuing transaction
    assert render_plaque_pdf(plaque.pk) is True
    plaque.refresh_from_db()
    name = plaque.pdf.name
    assert page_count(plaque.pdf.read()) == 1
    assert render_plaque_pdf(plaque.pk) is False  # idempotent: a second run keeps the stored file
    plaque.refresh_from_db()
    assert plaque.pdf.name == name


def test_plaque_numbers_run_per_year_and_issue_is_idempotent(host_unit, staff):
    first = WorkstationFactory(host_unit=host_unit, state=State.CERTIFIED)
    second = WorkstationFactory(host_unit=host_unit, state=State.CERTIFIED)
    a = plaque_issue(workstation=first, actor=staff, issued_on=dt.date(2026, 6, 1))
    b = plaque_issue(workstation=second, actor=staff, issued_on=dt.date(2026, 6, 1))
    assert (a.number, b.number) == ("平创导2026-001", "平创导2026-002")
    assert plaque_issue(workstation=first, actor=staff).pk == a.pk


def test_no_plaque_before_certification(host_unit, staff):
    candidate = WorkstationFactory(host_unit=host_unit, state=State.PUBLICITY_CLEARED)
    with pytest.raises(TransitionRefused):
        plaque_issue(workstation=candidate, actor=staff)


def test_handover_makes_the_workstation_active_with_a_log(certified, staff):
    plaque = plaque_issue(workstation=certified, actor=staff, issued_on=dt.date(2026, 6, 1))
    plaque_hand_over(plaque=plaque, handed_over_to="李主任", handed_over_on=dt.date(2026, 6, 5), actor=staff)
    certified.refresh_from_db()
    assert certified.state == State.ACTIVE
    log = TransitionLog.objects.get(workstation=certified, transition="issue_plaque")
    assert log.actor == staff and plaque.number in log.reason and "李主任" in log.reason
    with pytest.raises(TransitionRefused):
        plaque_hand_over(plaque=plaque, handed_over_to="王", handed_over_on=dt.date(2026, 6, 6), actor=staff)


def test_handover_needs_a_recipient_and_city_staff(certified, staff, host_user):
    plaque = plaque_issue(workstation=certified, actor=staff, issued_on=dt.date(2026, 6, 1))
    with pytest.raises(TransitionRefused):
        plaque_hand_over(plaque=plaque, handed_over_to=" ", handed_over_on=dt.date(2026, 6, 5), actor=staff)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        plaque_hand_over(plaque=plaque, handed_over_to="李主任", handed_over_on=dt.date(2026, 6, 5), actor=host_user)
    plaque.refresh_from_db()
    assert not plaque.is_handed_over  # the refused handover left nothing behind
    certified.refresh_from_db()
    assert certified.state == State.CERTIFIED


def test_the_state_machine_refuses_activation_without_a_handed_over_plaque(certified, staff):
    from workstations.services.lifecycle import workstation_transition

    with pytest.raises(TransitionRefused):
        workstation_transition(workstation=certified, transition="issue_plaque", actor=staff)


def test_removal_is_recorded_once(certified, staff):
    plaque = plaque_issue(workstation=certified, actor=staff)
    plaque_remove(plaque=plaque, removed_on=dt.date(2027, 3, 1), reason="自然退出", actor=staff)
    again = plaque_remove(plaque=plaque, removed_on=dt.date(2027, 4, 1), reason="x", actor=staff)
    assert again.removed_on == dt.date(2027, 3, 1) and again.removal_reason == "自然退出"


def test_engraved_date_uses_chinese_numerals():
    assert chinese_year_month(dt.date(2026, 12, 1)) == "二〇二六年十二月"
    assert chinese_year_month(dt.date(2030, 1, 9)) == "二〇三〇年一月"


def test_handover_date_lies_between_the_plaque_and_today(certified, staff):
    """Issue 15: 2020-01-01 for a workstation recognised in 2026 was accepted."""
    certified.certified_on = dt.date(2026, 5, 20)
    certified.save(update_fields=["certified_on"])
    plaque = plaque_issue(workstation=certified, actor=staff, issued_on=dt.date(2026, 6, 1))
    for wrong in (dt.date(2020, 1, 1), dt.date(2026, 5, 31), timezone.localdate() + dt.timedelta(days=1)):
        with pytest.raises(TransitionRefused):
            plaque_hand_over(plaque=plaque, handed_over_to="李主任", handed_over_on=wrong, actor=staff)
    certified.refresh_from_db()
    assert certified.state == State.CERTIFIED


def test_a_handover_is_corrected_by_a_correcting_record_kept_in_the_history(client, certified, staff, host_user):
    from workstations.models.plaques import PlaqueHandOverCorrection
    from workstations.services.plaques import plaque_hand_over_correct

    plaque = plaque_issue(workstation=certified, actor=staff, issued_on=dt.date(2026, 6, 1))
    plaque_hand_over(plaque=plaque, handed_over_to="李主任", handed_over_on=dt.date(2026, 6, 5), actor=staff)
    with pytest.raises(TransitionRefused):
        plaque_hand_over_correct(
            plaque=plaque, handed_over_to="李主任", handed_over_on=dt.date(2026, 6, 8), reason=" ", actor=staff
        )
    with pytest.raises(TransitionRefused):
        plaque_hand_over_correct(
            plaque=plaque, handed_over_to="李主任", handed_over_on=dt.date(2020, 1, 1), reason="笔误", actor=staff
        )
    client.force_login(staff)
    url = reverse("plaques:hand_over_correct", args=[plaque.pk])
    response = client.post(
        url, {"handed_over_to": "李建国主任", "handed_over_on": "2026-06-08", "reason": "日期录入有误。"}
    )
    assert response.status_code == 302
    plaque.refresh_from_db()
    assert (plaque.handed_over_to, plaque.handed_over_on) == ("李建国主任", dt.date(2026, 6, 8))
    correction = PlaqueHandOverCorrection.objects.get()
    assert (correction.previous_to, correction.previous_on, correction.reason) == (
        "李主任",
        dt.date(2026, 6, 5),
        "日期录入有误。",
    )
    page = client.get(url).content.decode()
    assert "日期录入有误。" in page and "2026年6月5日" in page
    client.force_login(host_user)
    assert client.get(url).status_code in (403, 404)
