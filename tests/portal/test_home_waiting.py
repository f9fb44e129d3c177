"""What waits for you (issue 19): counts that include what waits on others, one card per kind, and the second person
of a two-person rule told that it is their turn."""

from datetime import date

import pytest
from django.urls import reverse

from portal.models import Notification
from tests.applications.factories import CallFactory, make_application
from tests.workstations.factories import ActivityReportFactory, OperatingWorkstationFactory
from workstations.models.exits import ExitGround
from workstations.models.outcomes import ReportStatus
from workstations.services.exits import exit_propose

pytestmark = pytest.mark.django_db


def _panels(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_host_home_counts_its_applications_in_the_open_call_and_shows_drafts_once(client, host_unit, host_user):
    call = CallFactory()
    make_application(host_unit=host_unit, call=call, state="draft")
    make_application(host_unit=host_unit, call=call, state="submitted")
    page = _panels(client, host_user)
    open_call = page.split(call.title, 1)[1][:400]
    assert ">2<" in open_call.replace(" ", "")  # two applications of this host unit in the open call
    assert "申报草稿" in page
    # The workstation-state card "草稿" no longer repeats the drafts panel.
    assert page.count("?state=draft") == 1


def test_host_home_counts_reports_waiting_for_the_bureau(client, host_unit, host_user):
    ws = OperatingWorkstationFactory(host_unit=host_unit, recommender=host_unit.county, certified_on=date(2024, 1, 1))
    ActivityReportFactory.create_batch(2, workstation=ws, status=ReportStatus.SUBMITTED)
    ActivityReportFactory(workstation=ws, status=ReportStatus.ACCEPTED)
    page = _panels(client, host_user)
    waiting = page.split("待市局审核的报告", 1)[1][:300]
    assert ">2<" in waiting.replace(" ", "")


def test_a_proposed_exit_waits_on_the_second_member_of_staff_and_on_the_host(
    client, host_unit, host_user, staff, staff2
):
    ws = OperatingWorkstationFactory(host_unit=host_unit, recommender=host_unit.county, certified_on=date(2024, 1, 1))
    exit_propose(workstation=ws, ground=ExitGround.MISCONDUCT, facts="严重违反职业道德。", actor=staff)

    assert Notification.objects.filter(recipient=staff2, subject__contains="等待第二人确认").exists()
    assert not Notification.objects.filter(recipient=staff, subject__contains="等待第二人确认").exists()

    second = _panels(client, staff2)
    assert "等待您确认的退出" in second and ws.name in second.split("等待您确认的退出", 1)[1]
    proposer = _panels(client, staff)
    assert ws.name not in proposer.split("等待您确认的退出", 1)[1].split("</div>", 3)[0]

    host_page = _panels(client, host_user)
    assert "陈述申辩截止" in host_page
