"""Issue 14, item 1 (accounts): the password-change form is no oracle, return URLs stay on the site, and a failed
login never records the raw text typed into the username field."""

import html
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.urls import reverse
from django.utils import timezone

from portal.audit import AuditEvent
from tests.workstations.factories import OperatingWorkstationFactory
from workstations.models.outcomes import ActivityReport, ReportStatus

PASSWORD = "Test@pass123"
OFF_SITE = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)"]

pytestmark = pytest.mark.django_db


def _back_link(page: str) -> str:
    """The mentor form's “返回” link."""
    return html.unescape(re.search(r'<a class="btn btn-link" href="([^"]*)">', page).group(1))


def _change(client, old):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": "Neu@pass2026x", "new_password2": "Neu@pass2026x"},
    )


def test_password_change_counts_toward_the_lockout(client, host_user):
    client.post(reverse("login"), {"username": host_user.username, "password": PASSWORD})
    for attempt in range(5):
        response = _change(client, f"Guess@{attempt}abc")
    # The fifth wrong guess locks the account like five failed logins, and ends the guessing session.
    assert "账号已锁定" in response.content.decode() or response.status_code in (403, 429)
    assert AccessAttempt.objects.filter(username=host_user.username, failures_since_start__gte=5).exists()
    client.post(reverse("login"), {"username": host_user.username, "password": PASSWORD})
    assert client.get(reverse("inbox")).status_code == 302  # the right password no longer logs in
    host_user.refresh_from_db()
    assert host_user.check_password(PASSWORD)


def test_a_right_old_password_still_changes_it(client, host_user):
    client.post(reverse("login"), {"username": host_user.username, "password": PASSWORD})
    assert _change(client, PASSWORD).status_code == 302
    host_user.refresh_from_db()
    assert host_user.check_password("Neu@pass2026x")


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_mentor_forms_back_link_stays_on_the_site(client, host_user, target):
    client.force_login(host_user)
    page = client.get(reverse("applications:mentor_create"), {"next": target}).content.decode()
    assert _back_link(page) == reverse("applications:mentor_list")


def test_the_mentor_forms_back_link_keeps_a_local_return(client, host_user):
    client.force_login(host_user)
    page = client.get(reverse("applications:mentor_create"), {"next": "/applications/"}).content.decode()
    assert _back_link(page) == "/applications/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_report_accepts_posted_next_stays_on_the_site(client, host_unit, host_user, staff, target):
    ws = OperatingWorkstationFactory(host_unit=host_unit, recommender=host_unit.county)
    report = ActivityReport.objects.create(
        workstation=ws,
        kind="consultation",
        title="咨询会",
        held_on="2026-05-01",
        place="x",
        participant_count=1,
        description="x",
        status=ReportStatus.SUBMITTED,
        submitted_by=host_user,
        submitted_at=timezone.now(),
    )
    client.force_login(staff)
    response = client.post(reverse("workstations:report_accept", args=[report.pk]), {"next": target})
    assert response.status_code == 302 and response["Location"] == reverse("workstations:report_list")


def test_a_password_typed_as_username_never_reaches_the_trail_or_the_lockout_table(client, staff, supervisor):
    typed = "Mima#2026secret"
    client.post(reverse("login"), {"username": typed, "password": "whatever"})
    client.post(reverse("login"), {"username": staff.username, "password": "wrong"})
    events = list(AuditEvent.objects.filter(action="auth.login_failed").order_by("seq"))
    assert typed not in str(events[0].after) and events[0].after["length"] == len(typed)
    assert events[0].after["unknown_username"].startswith("hmac:")
    assert events[1].after == {"username": staff.username}  # a real account is named
    assert not AccessAttempt.objects.filter(username=typed).exists()
    assert not AccessFailureLog.objects.filter(username=typed).exists()
    client.force_login(supervisor)
    page = client.get(reverse("audit_trail")).content.decode()
    assert typed not in page and "hmac:" in page


def test_the_same_unknown_text_gives_the_same_tag(client):
    for _ in range(2):
        client.post(reverse("login"), {"username": "nobody-here", "password": "x"})
    tags = {e.after["unknown_username"] for e in AuditEvent.objects.filter(action="auth.login_failed")}
    assert len(tags) == 1
