"""Issue 21: the public notice PDF is rendered by a task when a list is published or its notice changes, never by a
visitor's request; a request for a version not stored yet gets the previous version, or 503 when there is none."""

from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.publiccache import bump_public_version
from review.publicity import notice_pdf
from review.publicity.models import PublicityList
from review.publicity.notice_pdf import NoticePdf, render_notice_pdf
from review.publicity.objections import objection_decide, objection_file, objection_investigate
from review.publicity.services import publicity_close_due, publicity_withdraw
from tests.portal.pdf_checks import pdf_text

pytestmark = pytest.mark.django_db
TASK = "review.publicity.tasks.render_notice_pdf"


def _body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def _text(data: bytes) -> str:
    return pdf_text(data).replace(" ", "")


def _no_render():
    return mock.patch.object(notice_pdf, "render_pdf", side_effect=AssertionError("rendered for a request"))


def _latest(publicity_list) -> bytes:
    stored = NoticePdf.objects.filter(publicity_list=publicity_list).order_by("-rendered_at", "-pk").first()
    with stored.pdf.open("rb") as handle:
        return handle.read()


@pytest.fixture
def sent(monkeypatch):
    """What requests send to the worker, which has not run it yet (Celery is eager in tests)."""
    calls = []
    monkeypatch.setattr(notice_pdf, "send_task", lambda task, *args: calls.append((task.name, args)) or True)
    return calls


@pytest.fixture
def after_commit(monkeypatch):
    """What the services send once their transaction commits."""
    calls = []
    monkeypatch.setattr(notice_pdf, "send_task_after_commit", lambda task, *args: calls.append((task.name, args)))
    return calls


def test_publishing_a_list_stores_its_notice_pdf_before_anyone_asks(
    client, passed, publish, django_capture_on_commit_callbacks, sent
):
    with django_capture_on_commit_callbacks(execute=True):
        publicity_list = publish([passed("张伟"), passed("李娜")], days_ago=1)
    stored = _latest(publicity_list)
    assert "张伟大众创业指导大师工作室" in _text(stored) and "李娜大众创业指导大师工作室" in _text(stored)
    with _no_render():
        served = _body(client.get(reverse("publicity_public:list_pdf", args=[publicity_list.pk])))
    assert served == stored
    assert sent == []  # the current version was stored: the request asked the worker for nothing


def test_a_request_for_a_changed_notice_renders_nothing_and_gets_the_previous_version(
    client, open_list, sent, django_capture_on_commit_callbacks
):
    url = reverse("publicity_public:list_pdf", args=[open_list.pk])
    with django_capture_on_commit_callbacks(execute=True):
        render_notice_pdf(open_list.pk)  # as the worker did after publishing
    with _no_render():
        first = _body(client.get(url))
    assert sent == []  # the stored file of the current version
    PublicityList.objects.filter(pk=open_list.pk).update(title="更正后的公示标题", updated_at=timezone.now())
    bump_public_version()
    with _no_render():
        stale = [_body(client.get(url)) for _ in range(3)]
    assert stale == [first] * 3
    assert sent == [(TASK, (open_list.pk,))]  # asked for once: the other requests find its lock
    with django_capture_on_commit_callbacks(execute=True):
        render_notice_pdf(open_list.pk)  # the worker runs it
    with _no_render():
        fresh = _body(client.get(url))
    assert len(sent) == 1
    assert "更正后的公示标题" in _text(fresh) and "更正后的公示标题" not in _text(first)


def test_with_no_stored_version_the_request_gets_a_retry_and_the_task_is_sent(client, open_list, sent):
    url = reverse("publicity_public:list_pdf", args=[open_list.pk])
    with _no_render():
        waiting = client.get(url)
    assert waiting.status_code == 503 and waiting["Retry-After"] == "5"
    assert sent == [(TASK, (open_list.pk,))]
    render_notice_pdf(open_list.pk)
    with _no_render():
        assert "张伟大众创业指导大师工作室" in _text(_body(client.get(url)))


def test_withdrawing_a_list_renders_its_notice_again(open_list, staff, django_capture_on_commit_callbacks):
    render_notice_pdf(open_list.pk)
    with django_capture_on_commit_callbacks(execute=True):
        publicity_withdraw(publicity_list=open_list, reason="名单有误，予以撤回。", actor=staff)
    assert NoticePdf.objects.filter(publicity_list=open_list).count() == 2
    assert "名单有误，予以撤回。" in _text(_latest(open_list))


def test_the_closing_job_sends_one_render_per_list_not_one_per_candidate(ended_list, after_commit):
    report = publicity_close_due()
    assert len(report.cleared) == 2
    assert after_commit == [(TASK, (ended_list.pk,))]


def test_deciding_an_objection_renders_the_notice_again(open_list, staff, after_commit):
    filed = objection_file(
        entry=open_list.entries.first(), objector_name="陈刚", objector_phone="15937501234", facts="场地已转租他用。"
    )
    objection_investigate(objection=filed.objection, investigation="实地核查属实。", actor=staff)
    assert after_commit == []  # an investigation changes nothing the notice shows
    objection_decide(objection=filed.objection, upheld=True, reason="属实。", actor=staff)
    assert after_commit == [(TASK, (open_list.pk,))]
