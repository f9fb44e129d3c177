"""Issue 19 item 6: inbox messages are stored as message keys with parameters and read in the reader's language;
e-mails go out in the recipient's language with an absolute link built from PORTAL_PUBLIC_URL."""

import re
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from portal.models import Notification
from portal.notifications import notify
from tests.workstations.exit_helpers import failed_rectification
from tests.workstations.factories import OperatingWorkstationFactory
from workstations.models.exits import ExitGround
from workstations.services.exits import exit_propose

pytestmark = pytest.mark.django_db
HAN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture
def ws(host_unit):
    return OperatingWorkstationFactory(host_unit=host_unit, recommender=host_unit.county, certified_on=date(2024, 1, 1))


@pytest.fixture
def mailbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PORTAL_PUBLIC_URL = "https://cy.rsj.pds.example/"


def _propose_in_chinese(ws, staff):
    """City staff working in Chinese propose an exit: the host unit and the second staff member are told."""
    with translation.override("zh-hans"):
        return exit_propose(
            workstation=ws,
            ground=ExitGround.FAILED_RECTIFICATION,
            facts="复评仍不达标",
            actor=staff,
            evidence_record=str(failed_rectification(ws).pk),
        )


def _inbox_text(client, user, language):
    client.force_login(user)
    client.cookies["django_language"] = language
    html = client.get(reverse("inbox")).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_an_inbox_message_written_in_chinese_reads_in_english_for_an_english_reader(client, ws, staff, host_user):
    host_user.language = "en"
    host_user.save()
    _propose_in_chinese(ws, staff)

    text = _inbox_text(client, host_user, "en")
    assert f"An exit of {ws.name} has been proposed" in text
    assert "Ground: Failed evaluation, still below standard after rectification." in text
    note = Notification.objects.get(recipient=host_user, message_key="exit.proposed")
    with translation.override("en"):
        assert not HAN.search(" ".join(note.rendered()).replace(ws.name, ""))
    # The same row read by a Chinese reader (the page's language decides, not the writer's).
    chinese = _inbox_text(client, host_user, "zh-hans")
    assert "An exit of" not in chinese and ws.name in chinese


def test_a_chinese_message_for_a_chinese_reader_stays_chinese_when_the_writer_works_in_english(
    client, ws, staff, staff2
):
    with translation.override("en"):
        exit_propose(
            workstation=ws,
            ground=ExitGround.FAILED_RECTIFICATION,
            facts="复评仍不达标",
            actor=staff,
            evidence_record=str(failed_rectification(ws).pk),
        )
    note = Notification.objects.get(recipient=staff2, message_key="exit.second_confirmation")
    assert "waits for a second confirmation" not in note.subject  # stored in the recipient's language
    text = _inbox_text(client, staff2, "zh-hans")
    assert "waits for a second confirmation" not in text and ws.name in text


def test_the_email_goes_out_in_the_recipients_language_with_an_absolute_link(
    ws, staff, staff2, host_user, mailbox, django_capture_on_commit_callbacks
):
    host_user.language = "en"
    host_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = _propose_in_chinese(ws, staff)
    path = reverse("workstations:exit_detail", args=[case.pk])
    to_host = next(m for m in mail.outbox if host_user.email in m.to)
    to_staff2 = next(m for m in mail.outbox if staff2.email in m.to)
    assert to_host.subject == f"An exit of {ws.name} has been proposed"
    assert "You may file a statement before the decision." in to_host.body
    assert "waits for a second confirmation" not in to_staff2.subject and ws.name in to_staff2.subject
    for message in (to_host, to_staff2):
        assert f"https://cy.rsj.pds.example{path}" in message.body
        assert f"\n{path}" not in message.body  # never a bare relative path


def test_an_old_row_with_stored_text_still_displays(client, host_user):
    Notification.objects.create(recipient=host_user, subject="旧的通知：申报已受理", body="请留意后续通知。")
    text = _inbox_text(client, host_user, "en")
    assert "旧的通知：申报已受理" in text and "请留意后续通知。" in text


def test_words_a_person_typed_are_shown_as_typed_beside_the_translated_message(client, host_user, mailbox):
    host_user.language = "en"
    host_user.save()
    notify(
        recipients=[host_user],
        message="rectification.ordered",
        params={"ws": "甲工作室", "date": date(2027, 3, 5)},
        text="场地不符",
        url="/workstations/",
    )
    text = _inbox_text(client, host_user, "en")
    assert "Rectification ordered for 甲工作室, due by 5 March 2027" in text and "场地不符" in text
    assert "2027年3月5日" in _inbox_text(client, host_user, "zh-hans")


def test_unknown_keys_and_translated_parameters_are_refused_at_the_call(host_user):
    with pytest.raises(KeyError):
        notify(recipients=[host_user], message="no.such.message")
    with pytest.raises(TypeError):
        notify(recipients=[host_user], message="exit.rejected", params={"name": translation.gettext_lazy("Inbox")})


def test_switching_language_records_the_users_language(client, host_user):
    client.force_login(host_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    host_user.refresh_from_db()
    assert host_user.language == "en"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    host_user.refresh_from_db()
    assert host_user.language == "en"


def test_an_upload_field_helps_in_the_pages_language():
    from portal.uploads import PrivateFileField

    field = PrivateFileField()  # built once, as form classes build their fields at import
    with translation.override("en"):
        assert str(field.help_text).startswith("PDF, JPEG or PNG, at most")
    with translation.override("zh-hans"):
        assert "格式" in str(field.help_text)


def test_the_home_pages_unread_list_reads_in_the_pages_language(client, ws, staff, host_user):
    _propose_in_chinese(ws, staff)
    client.force_login(host_user)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("home")).content.decode()
    unread = re.search(r'data-testid="home-unread">(.*?)</div>', html, re.S).group(1)
    assert f"An exit of {ws.name} has been proposed" in unread
    Notification.objects.filter(recipient=host_user).update(read_at=timezone.now())
    assert 'data-testid="home-unread"' not in client.get(reverse("home")).content.decode()


def test_a_list_of_names_is_joined_in_the_readers_way(staff):
    notify(recipients=[staff], message="publicity.waiting", params={"count": 2, "names": ["甲工作室", "乙工作室"]})
    note = Notification.objects.get(recipient=staff)
    with translation.override("en"):
        assert note.rendered()[1] == "Waiting: 甲工作室, 乙工作室."
    with translation.override("zh-hans"):
        assert note.rendered()[1] == "待处理：甲工作室、乙工作室。"
