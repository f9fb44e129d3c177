"""Public pages without login and without objector data; the objection form; staff pages; confirmation and plaques."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from review.publicity import forms as publicity_forms
from review.publicity.models import Objection
from review.publicity.objections import objection_decide, objection_file, objection_investigate
from tests.factories import WorkstationFactory
from tests.portal.pdf_checks import pdf_text
from tests.review.publicity.conftest import objection_post
from workstations.models import State, TransitionLog
from workstations.models.plaques import Plaque

pytestmark = pytest.mark.django_db

NAME, PHONE = "欧阳秘密", "13912345678"


@pytest.fixture
def with_objection(open_list, staff):
    filed = objection_file(
        entry=open_list.entries.first(),
        objector_name=NAME,
        objector_phone=PHONE,
        facts="反映该工作室场地与申报不符，请核查。",
    )
    return filed


def _public_urls(publicity_list):
    return [
        reverse("publicity_public:lists"),
        reverse("publicity_public:list_detail", args=[publicity_list.pk]),
        reverse("publicity_public:list_print", args=[publicity_list.pk]),
        reverse("publicity_public:objection_new", args=[publicity_list.pk]),
        reverse("publicity_public:objection_track"),
        reverse("publicity_public:directory"),
        reverse("publicity_public:documents"),
    ]


def test_public_pages_open_without_login_and_never_show_the_objector(client, open_list, with_objection, staff):
    objection_investigate(objection=with_objection.objection, investigation="调取签到记录并电话核实。", actor=staff)
    objection_decide(objection=with_objection.objection, upheld=False, reason="经核查不属实。", actor=staff)
    for url in _public_urls(open_list):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert NAME not in body and PHONE not in body and PHONE[-4:] not in body, url
    tracked = client.post(reverse("publicity_public:objection_track"), {"code": with_objection.tracking_code})
    body = tracked.content.decode()
    assert "异议不成立" in body and "经核查不属实。" in body
    assert NAME not in body and PHONE[-4:] not in body
    pdf = client.get(reverse("publicity_public:list_pdf", args=[open_list.pk]))
    assert pdf.status_code == 200
    text = pdf_text(b"".join(pdf.streaming_content)).replace(" ", "")
    assert "张伟大众创业指导大师工作室" in text and NAME not in text


def test_public_list_states_the_period_and_the_countdown(client, open_list):
    body = client.get(reverse("publicity_public:list_detail", args=[open_list.pk])).content.decode()
    first, last = open_list.first_day, open_list.last_day
    period = f"公示期为{first.year}年{first.month}月{first.day}日至"
    if last.year == first.year:
        period += f"{last.month}月{last.day}日"
    assert period in body and "（5个工作日）" in body
    assert "匿名反映不予受理" in body
    assert "工作日" in body and "24:00" in body


def test_public_pages_are_cached_and_change_when_the_list_changes(
    client, open_list, with_objection, staff, django_assert_num_queries
):
    url = reverse("publicity_public:list_detail", args=[open_list.pk])
    first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content.decode().count("csrfmiddlewaretoken") == first.content.decode().count("csrfmiddlewaretoken")
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    objection_investigate(objection=with_objection.objection, investigation="调取签到记录并电话核实。", actor=staff)
    objection_decide(objection=with_objection.objection, upheld=True, reason="属实。", actor=staff)
    after = client.get(url)
    assert after["ETag"] != first["ETag"]
    # The objection is decided and the candidate is out; the cached page was dropped, not served stale.
    assert "张伟大众创业指导大师工作室" in after.content.decode()
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_cached_page_sets_no_cookie_and_its_language_switch_still_works(open_list):
    """A cache hit is the stored bytes: no CSRF token, no cookie; the language switch works without a token."""
    from django.test import Client

    url = reverse("publicity_public:list_detail", args=[open_list.pk])
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(url)
    hit = visitor.get(url)
    assert "csrfmiddlewaretoken" not in hit.content.decode()
    assert not hit.cookies and "Set-Cookie" not in hit
    switch = reverse("publicity_public:language")
    assert f'action="{switch}"' in hit.content.decode()
    response = visitor.post(switch, {"language": "en", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert '<html lang="en">' in visitor.get(url).content.decode()  # now in English
    # Off-site "next" is not followed.
    assert visitor.post(switch, {"language": "zh-hans", "next": "https://evil.example/"})["Location"] == "/"


def test_objection_form_still_needs_its_csrf_token(open_list):
    from django.test import Client

    visitor = Client(enforce_csrf_checks=True)
    url = reverse("publicity_public:objection_new", args=[open_list.pk])
    assert "csrfmiddlewaretoken" in visitor.get(url).content.decode()
    assert visitor.post(url, {"entry": open_list.entries.first().pk}).status_code == 403
    assert not Objection.objects.exists()


def test_logged_in_users_get_a_fresh_page_with_the_token_protected_switch(client, open_list, staff):
    url = reverse("publicity_public:list_detail", args=[open_list.pk])
    client.get(url)  # an anonymous render is cached first
    client.force_login(staff)
    body = client.get(url).content.decode()
    assert "csrfmiddlewaretoken" in body and f'action="{reverse("set_language")}"' in body


def test_public_index_query_count_is_fixed(client, passed, publish, django_assert_num_queries):
    for i in range(3):
        publish([passed(f"导师{i}")], days_ago=1 + i)
    # calendar/version queries aside, listing pages do not grow with the number of lists
    with django_assert_num_queries(4):
        client.get(reverse("publicity_public:lists"))


def test_objection_filed_through_the_form_shows_the_code_once(client, open_list, staff):
    entry = open_list.entries.first()
    response = client.post(reverse("publicity_public:objection_new", args=[open_list.pk]), objection_post(entry))
    assert response.status_code == 302  # POST → redirect → GET
    response = client.get(response["Location"])
    assert response["Cache-Control"] == "no-store"
    code = response.content.decode().split('data-testid="tracking-code">', 1)[1].split("<", 1)[0]
    assert Objection.objects.get().entry == entry
    tracked = client.post(reverse("publicity_public:objection_track"), {"code": code})
    assert "已受理" in tracked.content.decode()


def test_objection_form_keeps_what_was_typed_on_error(client, open_list):
    entry = open_list.entries.first()
    data = objection_post(entry, objector_phone="12345", facts="场地问题：申报场地已转租他用，实际无办公场所。")
    response = client.post(reverse("publicity_public:objection_new", args=[open_list.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "请填写11位手机号码或带区号的固定电话" in body
    assert "场地问题：申报场地已转租他用，实际无办公场所。" in body
    assert 'value="李明"' in body and 'value="12345"' in body
    assert not Objection.objects.exists()


def test_anonymous_objection_is_refused(client, open_list):
    data = objection_post(open_list.entries.first(), objector_name="匿名")
    body = client.post(reverse("publicity_public:objection_new", args=[open_list.pk]), data).content.decode()
    assert "匿名反映不予受理" in body
    assert not Objection.objects.exists()


def test_bots_are_turned_away_by_honeypot_and_fill_time(client, open_list):
    url = reverse("publicity_public:objection_new", args=[open_list.pk])
    entry = open_list.entries.first()
    honeypot = client.post(url, objection_post(entry, website="http://spam.example"))
    assert "提交未被受理" in honeypot.content.decode()
    too_fast = client.post(url, objection_post(entry, started=publicity_forms.form_started_token()))
    assert "提交过快" in too_fast.content.decode()
    forged = client.post(url, objection_post(entry, started="forged"))
    assert "页面停留时间过长" in forged.content.decode()
    assert not Objection.objects.exists()


def test_objections_are_rate_limited_per_address(client, open_list):
    url = reverse("publicity_public:objection_new", args=[open_list.pk])
    entry = open_list.entries.first()
    statuses = [client.post(url, objection_post(entry), REMOTE_ADDR="10.0.0.1").status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    assert Objection.objects.count() == 5
    limited = client.post(url, objection_post(entry), REMOTE_ADDR="10.0.0.1").content.decode()
    assert "次数过多" in limited and "李明" in limited  # still keeps what was typed
    assert client.post(url, objection_post(entry), REMOTE_ADDR="10.0.0.2").status_code == 302


def test_objection_after_the_window_is_refused_with_a_clear_message(client, ended_list):
    url = reverse("publicity_public:objection_new", args=[ended_list.pk])
    assert client.get(url).status_code == 410
    response = client.post(url, objection_post(ended_list.entries.first()))
    assert response.status_code == 410
    assert "不再受理异议" in response.content.decode()
    assert not Objection.objects.exists()


def test_staff_decide_an_objection_and_only_staff_see_the_objector(client, open_list, with_objection, staff, host_user):
    objection = with_objection.objection
    url = reverse("publicity:objection_detail", args=[objection.pk])
    client.force_login(host_user)
    assert client.get(url).status_code == 403
    assert client.get(reverse("publicity:list_detail", args=[open_list.pk])).status_code == 403
    client.force_login(staff)
    page = client.get(url).content.decode()
    assert NAME in page and "139****5678" in page and PHONE not in page
    revealed = client.post(reverse("publicity:objection_reveal_phone", args=[objection.pk])).content.decode()
    assert PHONE in revealed
    client.post(reverse("publicity:objection_investigate", args=[objection.pk]), {"investigation": "实地查看场地。"})
    missing_reason = client.post(reverse("publicity:objection_decide", args=[objection.pk]), {"decision": "upheld"})
    assert missing_reason.status_code == 200
    # The first POST only shows the consequence; nothing is decided until it is confirmed.
    confirm = client.post(
        reverse("publicity:objection_decide", args=[objection.pk]), {"decision": "upheld", "reason": "场地确已转租。"}
    ).content.decode()
    assert "decision-consequences" in confirm and objection.entry.workstation_name in confirm
    objection.refresh_from_db()
    assert objection.status == Objection.Status.INVESTIGATING
    client.post(
        reverse("publicity:objection_decide", args=[objection.pk]),
        {"decision": "upheld", "reason": "场地确已转租。", "confirmed": "1"},
    )
    objection.refresh_from_db()
    assert objection.status == Objection.Status.UPHELD and objection.investigation == "实地查看场地。"
    assert objection.entry.workstation.state == State.NOT_RECOGNISED


def test_publish_form_publishes_and_names_the_year_to_fill_in(client, staff, passed):
    candidate = passed()
    client.force_login(staff)
    url = reverse("publicity:publish")
    data = {
        "candidates": [candidate.pk],
        "title": "公示",
        "intro": "现予以公示。",
        "published_at": "2099-12-28T09:00",
        "contact_office": "就业促进科",
        "contact_phone": "0375-2660000",
    }
    response = client.post(url, data)
    body = response.content.decode()
    assert "2099" in body and reverse("workdays:year", args=[2099]) in body
    assert 'value="现予以公示。"' in body or "现予以公示。" in body
    data["published_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, data)
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.state == State.IN_PUBLICITY


def test_staff_list_pages_have_a_fixed_query_count(client, staff, open_list, ended_list, django_assert_num_queries):
    client.force_login(staff)
    client.get(reverse("publicity:index"))
    with django_assert_num_queries(11):
        client.get(reverse("publicity:index"))


def test_confirmation_document_certifies_the_chosen_candidates_after_a_preview(client, staff, host_unit):
    """Issue 15 item 5: 印发文件并认定 shows the number, the consequence and a PDF preview first."""
    from tests.portal.pdf_checks import save_artifact

    cleared = [
        WorkstationFactory(host_unit=host_unit, lead_mentor_name=n, state=State.PUBLICITY_CLEARED)
        for n in ["张伟", "李娜"]
    ]
    client.force_login(staff)
    form = client.get(reverse("publicity:confirmations")).content.decode()
    assert 'name="seq" value="1"' in form  # the next free number is suggested
    data = {"candidates": [w.pk for w in cleared], "issued_on": "2026-06-01", "title": "", "seq": "12"}
    response = client.post(reverse("publicity:confirmations"), data)
    page = response.content.decode()
    assert response.status_code == 200 and "平人社〔2026〕12号" in page and 'data-testid="preview-pdf"' in page
    for ws in cleared:
        ws.refresh_from_db()
        assert ws.state == State.PUBLICITY_CLEARED  # nothing issued yet
    preview = client.get(reverse("publicity:confirmation_preview"), data)
    save_artifact("confirmation-preview", preview.content)
    text = pdf_text(preview.content)
    assert "平人社〔2026〕12号" in text and "预览" in text and "张伟大众创业指导大师工作室" in text
    response = client.post(reverse("publicity:confirmations"), {**data, "confirmed": "1"})
    assert response.status_code == 302
    for ws in cleared:
        ws.refresh_from_db()
        assert ws.state == State.CERTIFIED and ws.certified_on == dt.date(2026, 6, 1)
        log = TransitionLog.objects.get(workstation=ws, transition="certify")
        assert log.reason == "平人社〔2026〕12号"
    client.logout()
    listing = client.get(reverse("publicity_public:documents")).content.decode()
    assert "平人社〔2026〕12号" in listing
    from portal.documents.models import DocumentNumber, OfficialDocument

    assert DocumentNumber.objects.get(number="平人社〔2026〕12号").entered_by == staff
    document = OfficialDocument.objects.get()
    pdf = client.get(reverse("publicity_public:document_pdf", args=[document.pk]))
    issued = b"".join(pdf.streaming_content)
    save_artifact("confirmation-issued", issued)
    from tests.portal.pdf_checks import pdftotext_layout

    title_lines = [line.strip() for line in pdftotext_layout(issued).splitlines() if line.strip()][2:4]
    assert title_lines == ["关于认定2026年度平顶山市", "大众创业指导大师工作室的通知"]
    text = pdf_text(issued)
    assert (
        "平人社〔2026〕12号" in text and "张伟大众创业指导大师工作室" in text and "李娜大众创业指导大师工作室" in text
    )
    assert "预览" not in text


def test_confirmation_refuses_a_used_number_and_a_date_before_publicity_ended(client, staff, host_unit, publish):
    from portal.documents.services import number_register_text
    from portal.formatting import format_date
    from review.publicity.models import PublicityEntry

    ws = WorkstationFactory(host_unit=host_unit, lead_mentor_name="张伟", state=State.REVIEW_PASSED)
    publicity_list = publish([ws], days_ago=30)
    PublicityEntry.objects.filter(publicity_list=publicity_list).update(outcome=PublicityEntry.Outcome.CLEARED)
    type(ws).objects.filter(pk=ws.pk).update(state=State.PUBLICITY_CLEARED)
    number_register_text(kind="call", number=f"平人社〔{publicity_list.last_day.year}〕9号", actor=staff)
    client.force_login(staff)
    data = {"candidates": [ws.pk], "issued_on": publicity_list.last_day.isoformat(), "title": "", "seq": "9"}
    for confirmed in ("", "1"):
        response = client.post(reverse("publicity:confirmations"), {**data, "confirmed": confirmed})
        # Refused, naming the next free number.
        assert (
            response.status_code == 400 and f"平人社〔{publicity_list.last_day.year}〕10号" in response.content.decode()
        )
    early = publicity_list.last_day - dt.timedelta(days=1)
    response = client.post(
        reverse("publicity:confirmations"), {**data, "seq": "10", "issued_on": early.isoformat(), "confirmed": "1"}
    )
    cleared = publicity_list.last_day + dt.timedelta(days=1)
    assert response.status_code == 400 and format_date(cleared) in response.content.decode()
    ws.refresh_from_db()
    assert ws.state == State.PUBLICITY_CLEARED


def test_confirmation_page_and_issuing_apply_one_date_rule(client, staff, host_unit, publish):
    """The preview refuses what issuing would refuse: the last publicity day itself; the day after passes both."""
    from portal.formatting import format_date
    from review.publicity.models import PublicityEntry

    ws = WorkstationFactory(host_unit=host_unit, lead_mentor_name="张伟", state=State.REVIEW_PASSED)
    publicity_list = publish([ws], days_ago=30)
    PublicityEntry.objects.filter(publicity_list=publicity_list).update(outcome=PublicityEntry.Outcome.CLEARED)
    type(ws).objects.filter(pk=ws.pk).update(state=State.PUBLICITY_CLEARED)
    client.force_login(staff)
    data = {"candidates": [ws.pk], "title": "", "seq": "9"}
    last_day, day_after = publicity_list.last_day, publicity_list.last_day + dt.timedelta(days=1)
    for confirmed in ("", "1"):
        response = client.post(
            reverse("publicity:confirmations"), {**data, "issued_on": last_day.isoformat(), "confirmed": confirmed}
        )
        assert response.status_code == 400 and format_date(day_after) in response.content.decode()
    ws.refresh_from_db()
    assert ws.state == State.PUBLICITY_CLEARED
    preview = client.post(
        reverse("publicity:confirmations"), {**data, "issued_on": day_after.isoformat(), "confirmed": ""}
    )
    assert preview.status_code == 200
    client.post(reverse("publicity:confirmations"), {**data, "issued_on": day_after.isoformat(), "confirmed": "1"})
    ws.refresh_from_db()
    assert ws.state == State.CERTIFIED and ws.certified_on == day_after


def test_plaque_made_and_handed_over_makes_the_workstation_active(client, staff, host_user, other_host_user, host_unit):
    ws = WorkstationFactory(host_unit=host_unit, lead_mentor_name="张伟", state=State.CERTIFIED)
    client.force_login(staff)
    client.post(reverse("plaques:issue", args=[ws.pk]))
    plaque = Plaque.objects.get(workstation=ws)
    response = client.post(
        reverse("plaques:hand_over", args=[plaque.pk]),
        {"handed_over_to": "李主任", "handed_over_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    ws.refresh_from_db()
    assert ws.state == State.ACTIVE
    pdf_url = reverse("plaques:pdf", args=[plaque.pk])
    client.force_login(host_user)
    assert client.get(pdf_url).status_code == 200
    client.force_login(other_host_user)
    assert client.get(pdf_url).status_code == 404
    client.logout()
    directory = client.get(reverse("publicity_public:directory")).content.decode()
    assert "张伟大众创业指导大师工作室" in directory and plaque.number in directory


def test_host_unit_finds_its_plaque_pdf_on_the_workstation_page(client, staff, host_user, host_unit):
    ws = WorkstationFactory(host_unit=host_unit, lead_mentor_name="张伟", state=State.CERTIFIED)
    from workstations.services.plaques import plaque_issue

    plaque = plaque_issue(workstation=ws, actor=staff)
    client.force_login(host_user)
    page = client.get(reverse("workstations:detail", args=[ws.pk])).content.decode()
    assert reverse("plaques:pdf", args=[plaque.pk]) in page


def test_directory_lists_a_workstation_as_soon_as_its_plaque_is_handed_over(client, staff, host_unit):
    from workstations.services.plaques import plaque_hand_over, plaque_issue

    ws = WorkstationFactory(host_unit=host_unit, lead_mentor_name="张伟", state=State.CERTIFIED)
    url = reverse("publicity_public:directory")
    assert "张伟大众创业指导大师工作室" not in client.get(url).content.decode()  # the version is now cached
    plaque = plaque_issue(workstation=ws, actor=staff)
    plaque_hand_over(plaque=plaque, handed_over_to="李主任", handed_over_on=timezone.localdate(), actor=staff)
    assert "张伟大众创业指导大师工作室" in client.get(url).content.decode()


def test_date_inputs_offer_today_in_a_form_the_browser_accepts(client, staff, host_unit):
    """In Chinese Django formats dates as 2026/11/25, which an <input type=date> drops; the value must be ISO."""
    today = timezone.localdate().isoformat()
    WorkstationFactory(host_unit=host_unit, lead_mentor_name="张伟", state=State.PUBLICITY_CLEARED)
    certified = WorkstationFactory(host_unit=host_unit, lead_mentor_name="李娜", state=State.CERTIFIED)
    client.force_login(staff)
    confirmations = client.get(reverse("publicity:confirmations")).content.decode()
    assert f'name="issued_on" value="{today}"' in confirmations
    client.post(reverse("plaques:issue", args=[certified.pk]))
    plaques = client.get(reverse("plaques:index")).content.decode()
    assert f'name="handed_over_on" value="{today}"' in plaques
