"""Art. 10 activity reports and the Art. 11(2) plan: filed by the host unit, decided by city staff, private."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from portal.models import Notification
from tests.workstations.factories import PNG, OperatingWorkstationFactory
from workstations.models import State
from workstations.models.outcomes import ActivityReport, ReportStatus, WorkPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(host_unit):
    return OperatingWorkstationFactory(host_unit=host_unit, recommender=host_unit.county, certified_on=date(2024, 1, 1))


def _post_report(client, ws, **overrides):
    data = {
        "kind": "consultation",
        "title": "创业政策咨询会",
        "held_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "place": "新华区创业服务中心",
        "participant_count": "40",
        "participants": "返乡创业人员",
        "description": "解读创业担保贷款政策。",
        "setting": "",
        "trainees": "",
    }
    data.update(overrides)
    return client.post(reverse("workstations:report_new", args=[ws.pk]), data)


def test_host_files_a_report_with_evidence_and_staff_accepts_it(client, ws, host_user, staff):
    client.force_login(host_user)
    evidence = SimpleUploadedFile("签到表.png", PNG, content_type="image/png")
    response = _post_report(client, ws, evidence=[evidence])
    report = ActivityReport.objects.get()
    assert response.status_code == 302
    assert report.status == ReportStatus.SUBMITTED
    assert report.evidence.count() == 1
    download = client.get(reverse("workstations:report_evidence", args=[report.pk, report.evidence.get().pk]))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")

    client.force_login(staff)
    assert "创业政策咨询会" in client.get(reverse("workstations:report_list")).content.decode()
    client.post(reverse("workstations:report_accept", args=[report.pk]))
    report.refresh_from_db()
    assert (report.status, report.decided_by) == (ReportStatus.ACCEPTED, staff)


def test_themed_report_needs_its_setting_and_keeps_what_was_typed(client, ws, host_user):
    client.force_login(host_user)
    response = _post_report(client, ws, kind="themed", title="进校园活动")
    assert response.status_code == 200
    html = response.content.decode()
    assert "请选择主题活动的开展场所" in html or "Choose where the themed activity took place" in html
    assert "进校园活动" in html
    assert not ActivityReport.objects.exists()


def test_training_report_names_the_people_trained(client, ws, host_user):
    client.force_login(host_user)
    _post_report(client, ws, kind="training", trainees="李明 鹰城创业孵化基地\n王芳，平顶山学院\n\n李明 重复")
    report = ActivityReport.objects.get()
    assert [(t.name, t.workplace) for t in report.trainees.all()] == [
        ("李明", "鹰城创业孵化基地"),
        ("王芳", "平顶山学院"),
    ]


def test_future_dates_and_dates_before_recognition_are_refused(client, ws, host_user):
    client.force_login(host_user)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert _post_report(client, ws, held_on=tomorrow).status_code == 200
    assert _post_report(client, ws, held_on="2023-12-31").status_code == 200
    assert not ActivityReport.objects.exists()


def test_rejection_needs_a_reason_and_tells_the_host_unit(client, ws, host_user, staff):
    client.force_login(host_user)
    _post_report(client, ws)
    report = ActivityReport.objects.get()
    client.force_login(staff)
    assert client.post(reverse("workstations:report_reject", args=[report.pk]), {"reason": ""}).status_code == 400
    client.post(reverse("workstations:report_reject", args=[report.pk]), {"reason": "缺少签到表"})
    report.refresh_from_db()
    assert (report.status, report.reject_reason) == (ReportStatus.REJECTED, "缺少签到表")
    assert Notification.objects.filter(recipient=host_user, body="缺少签到表").exists()
    # A decided report cannot be decided again.
    client.post(reverse("workstations:report_accept", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.REJECTED


def test_another_host_unit_sees_and_files_nothing(client, ws, host_user, other_host_user, clerk, other_clerk):
    client.force_login(host_user)
    _post_report(client, ws)
    report = ActivityReport.objects.get()
    client.force_login(clerk)  # the workstation's own county bureau reads it (issue 18, Art. 11(3))
    assert client.get(reverse("workstations:report", args=[report.pk])).status_code == 200
    for intruder in (other_host_user, other_clerk):
        client.force_login(intruder)
        assert client.get(reverse("workstations:report", args=[report.pk])).status_code == 404
    client.force_login(other_host_user)
    assert _post_report(client, ws).status_code == 404
    assert client.get(reverse("workstations:outcomes", args=[ws.pk])).status_code == 404
    assert client.post(reverse("workstations:report_accept", args=[report.pk])).status_code == 403
    assert ActivityReport.objects.count() == 1


def test_only_operating_workstations_file_reports(client, host_unit, host_user):
    ws = OperatingWorkstationFactory(host_unit=host_unit, state=State.CERTIFIED)
    client.force_login(host_user)
    response = _post_report(client, ws)
    assert response.status_code == 200
    assert not ActivityReport.objects.exists()


def test_plan_is_versioned_and_its_absence_is_overdue(client, ws, host_user):
    client.force_login(host_user)
    page = client.get(reverse("workstations:outcomes", args=[ws.pk])).content.decode()
    assert "逾期" in page or "Overdue" in page  # certified 2024-01-01, due 90 days later
    fields = {
        "direction": "方向一",
        "focus": "重点",
        "scale": "规模",
        "targets_year1": "一",
        "targets_year2": "二",
        "targets_year3": "三",
        "measures": "",
    }
    client.post(reverse("workstations:plan_new", args=[ws.pk]), fields)
    client.post(reverse("workstations:plan_new", args=[ws.pk]), {**fields, "direction": "方向二"})
    assert list(WorkPlan.objects.order_by("version").values_list("version", "direction")) == [
        (1, "方向一"),
        (2, "方向二"),
    ]
    page = client.get(reverse("workstations:outcomes", args=[ws.pk])).content.decode()
    assert "方向二" in page and "方向一" in page  # the current version and the earlier one in the history


def _held_token(html: str, field: str) -> str:
    return html.split(f'name="held_files_{field}" value="', 1)[1].split('"', 1)[0]


def test_files_survive_an_error_and_can_be_removed(client, ws, host_user, other_host_user):
    """Issue 15: a refused report came back without its files, and was then filed without evidence."""
    client.force_login(host_user)
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    first = _post_report(
        client,
        ws,
        held_on=future,
        evidence=[
            SimpleUploadedFile("签到表.png", PNG, content_type="image/png"),
            SimpleUploadedFile("照片.png", PNG, content_type="image/png"),
        ],
    )
    html = first.content.decode()
    assert first.status_code == 200 and not ActivityReport.objects.exists()
    assert "已上传：签到表.png" in html and "已上传：照片.png" in html
    token = _held_token(html, "evidence")
    photo = html.split("已上传：照片.png", 1)[1].split('name="held_remove" value="', 1)[1].split('"', 1)[0]
    # Another user cannot use the token to attach these files.
    from portal.held_uploads import _from_token

    assert _from_token(token, other_host_user) == [] and len(_from_token(token, host_user)) == 2
    done = _post_report(client, ws, held_files_evidence=token, held_remove=photo)
    assert done.status_code == 302
    report = ActivityReport.objects.get()
    assert [e.file.original_name for e in report.evidence.all()] == ["签到表.png"]


def test_evidence_is_added_until_staff_accept_the_report(client, ws, host_user, staff, other_host_user):
    client.force_login(host_user)
    _post_report(client, ws)
    report = ActivityReport.objects.get()
    url = reverse("workstations:report_add_evidence", args=[report.pk])
    assert "add-evidence" in client.get(reverse("workstations:report", args=[report.pk])).content.decode()
    client.post(url, {"files": [SimpleUploadedFile("补充照片.png", PNG, content_type="image/png")]})
    assert [e.file.original_name for e in report.evidence.all()] == ["补充照片.png"]
    client.force_login(other_host_user)
    assert client.post(url, {"files": [SimpleUploadedFile("x.png", PNG, content_type="image/png")]}).status_code in (
        403,
        404,
    )
    client.force_login(staff)
    client.post(reverse("workstations:report_accept", args=[report.pk]))
    client.force_login(host_user)
    refused = client.post(url, {"files": [SimpleUploadedFile("晚到.png", PNG, content_type="image/png")]})
    assert refused.status_code == 200 and report.evidence.count() == 1
