"""Issue 19 item 4: staff are reminded before a publicity window ends while objections are still undecided."""

import pytest

from portal.deadlines import send_deadline_reminders
from portal.models import Notification
from review.publicity.objections import objection_file

pytestmark = pytest.mark.django_db


def _reminders(user):
    return Notification.objects.filter(recipient=user, message_key="deadline.publicity_objections")


def test_staff_are_reminded_on_the_last_day_once_and_not_twice(open_list, staff):
    objection_file(
        entry=open_list.entries.first(), objector_name="王某", objector_phone="13912345678", facts="场地与申报不符。"
    )
    send_deadline_reminders(today=open_list.first_day)  # five working days still ahead: no reminder yet
    assert not _reminders(staff).exists()

    send_deadline_reminders(today=open_list.last_day)
    send_deadline_reminders(today=open_list.last_day)  # the job runs twice
    [note] = _reminders(staff)
    assert note.params["count"] == 1 and str(open_list.pk) in note.url
    assert "1" in note.subject and open_list.title in note.subject


def test_no_reminder_when_no_objection_waits(open_list, staff):
    send_deadline_reminders(today=open_list.last_day)
    assert not _reminders(staff).exists()
