"""Issue 15: publicity cannot be backdated, cleared early, or silently corrected; objections rest on an
investigation; the public objection files once however often the form is sent."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from review.publicity.models import Objection, PublicityEntry, PublicityList
from review.publicity.objections import objection_decide, objection_file, objection_investigate
from review.publicity.services import publicity_close_due, publicity_publish, publicity_withdraw
from tests.review.publicity.conftest import objection_post
from workstations.models import State, Workstation
from workstations.services.lifecycle import TransitionRefused, workstation_transition

pytestmark = pytest.mark.django_db


def _publish(staff, workstations, **kw):
    return publicity_publish(
        workstations=workstations,
        title="拟认定名单公示",
        intro="现予以公示。",
        contact_office="市人社局就业促进科",
        contact_phone="0375-2660000",
        actor=staff,
        **kw,
    )


def test_a_publication_time_before_today_is_refused(staff, passed):
    candidate = passed()
    with pytest.raises(TransitionRefused) as exc:
        _publish(staff, [candidate], published_at=timezone.now() - dt.timedelta(days=61))
    assert "不得早于今天" in str(exc.value)
    candidate.refresh_from_db()
    assert candidate.state == State.REVIEW_PASSED and not PublicityList.objects.exists()


def test_earlier_today_only_with_the_website_posting_recorded(staff, passed):
    candidate = passed()
    now = timezone.localtime()
    earlier = max(now.replace(hour=0, minute=1), now - dt.timedelta(hours=1)) - dt.timedelta(minutes=0)
    if timezone.localtime(earlier).date() != now.date() or now - earlier < dt.timedelta(minutes=20):
        pytest.skip("too close to midnight to have an earlier time today")
    with pytest.raises(TransitionRefused):
        _publish(staff, [candidate], published_at=earlier)
    publicity_list = _publish(
        staff,
        [candidate],
        published_at=earlier,
        website_url="https://rsj.pds.gov.cn/tzgg/2026/1201.html",
        website_posted_at=earlier,
    )
    assert publicity_list.website_url.endswith("1201.html") and publicity_list.published_at == earlier


def test_a_window_that_has_not_run_five_working_days_is_not_cleared_by_job_button_or_transition(
    client, staff, open_list
):
    # Someone with database access moves the window into the past: the public has still had only one day.
    PublicityList.objects.filter(pk=open_list.pk).update(
        published_at=timezone.now() - dt.timedelta(days=60),
        first_day=timezone.localdate() - dt.timedelta(days=59),
        last_day=timezone.localdate() - dt.timedelta(days=52),
        closes_at=timezone.now() - dt.timedelta(days=51),
    )
    report = publicity_close_due()
    assert report.cleared == [] and len(report.waiting) == 2
    client.force_login(staff)
    client.post(reverse("publicity:close_now"))
    entry = open_list.entries.first()
    with pytest.raises(TransitionRefused) as exc:
        workstation_transition(workstation=entry.workstation_id, transition="clear_publicity", actor=staff)
    assert "工作日" in str(exc.value)
    assert Workstation.objects.filter(state=State.IN_PUBLICITY).count() == 2


def test_a_list_is_corrected_by_a_withdrawal_with_a_public_reason(client, staff, open_list):
    entry = open_list.entries.order_by("position").first()
    with pytest.raises(TransitionRefused):
        publicity_withdraw(publicity_list=open_list, reason="  ", actor=staff)
    client.force_login(staff)
    page = client.get(reverse("publicity:list_withdraw", args=[open_list.pk])).content.decode()
    assert "withdraw-consequences" in page and entry.workstation_name in page
    response = client.post(reverse("publicity:list_withdraw", args=[open_list.pk]), {"reason": "名单中单位名称有误。"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.workstation.state == State.REVIEW_PASSED and entry.outcome == PublicityEntry.Outcome.WITHDRAWN
    client.logout()
    public = client.get(reverse("publicity_public:list_detail", args=[open_list.pk])).content.decode()
    assert "名单中单位名称有误。" in public and 'data-testid="object"' not in public
    # Withdrawn lists are never cleared, and objections against them are refused.
    assert publicity_close_due(now=open_list.closes_at + dt.timedelta(days=30)).cleared == []


def test_the_decision_needs_the_investigation_which_can_be_amended_until_then(staff, open_list):
    filed = objection_file(
        entry=open_list.entries.first(), objector_name="李明", objector_phone="13803751234", facts="反映问题。" * 5
    )
    with pytest.raises(TransitionRefused) as exc:
        objection_decide(objection=filed.objection, upheld=False, reason="不属实。", actor=staff)
    assert "调查核实" in str(exc.value)
    objection_investigate(objection=filed.objection, investigation="电话核实。", actor=staff)
    objection_investigate(objection=filed.objection, investigation="电话核实并调取签到表。", actor=staff)
    objection_decide(objection=filed.objection, upheld=False, reason="不属实。", actor=staff)
    objection = Objection.objects.get()
    assert objection.investigation == "电话核实并调取签到表。" and objection.status == Objection.Status.DISMISSED
    with pytest.raises(TransitionRefused):
        objection_investigate(objection=objection, investigation="改写。", actor=staff)


def test_reloading_or_resending_the_objection_files_once_and_mails_once(client, staff, open_list):
    url = reverse("publicity_public:objection_new", args=[open_list.pk])
    data = objection_post(open_list.entries.first())
    first = client.post(url, data)
    receipt = client.get(first["Location"]).content.decode()
    code = receipt.split('data-testid="tracking-code">', 1)[1].split("<", 1)[0]
    sent = len(mail.outbox)
    again = client.get(first["Location"]).content.decode()  # reload of the receipt
    resent = client.post(url, data)  # the browser's "send the form again"
    assert resent.status_code == 302
    assert code in again and code in client.get(resent["Location"]).content.decode()
    assert Objection.objects.count() == 1 and len(mail.outbox) == sent
    # Another browser sending the same form gets no second objection and no code.
    other = client.__class__()
    other_receipt = other.get(other.post(url, data)["Location"]).content.decode()
    assert Objection.objects.count() == 1 and code not in other_receipt and "already-filed" in other_receipt


def test_the_confirmation_decision_is_dated_after_the_publicity_and_not_after_today(staff, ended_list):
    from review.publicity.confirmation import confirmation_issue

    publicity_close_due()
    cleared = [e.workstation for e in ended_list.entries.all()]
    for wrong in (ended_list.last_day, timezone.localdate() + dt.timedelta(days=1)):
        with pytest.raises(TransitionRefused):
            confirmation_issue(workstations=cleared, actor=staff, seq=31, issued_on=wrong)
    assert Workstation.objects.filter(state=State.PUBLICITY_CLEARED).count() == 2
    confirmation_issue(workstations=cleared, actor=staff, seq=31, issued_on=timezone.localdate())
    assert Workstation.objects.filter(state=State.CERTIFIED).count() == 2


def test_the_objection_form_carries_its_one_time_token(client, open_list):
    page = client.get(reverse("publicity_public:objection_new", args=[open_list.pk])).content.decode()
    assert 'name="submission"' in page
