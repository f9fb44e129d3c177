"""One refusal type and one way to show it (issue 20 item 4): every service's refusal is a ``Refusal``; a view shows it
as one error message per reason, or on the bound form so that the page keeps what was typed."""

import pytest
from django import forms
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory
from django.urls import reverse

from applications.services import ApplicationLocked
from portal.documents.services import DocumentRefused
from portal.refusals import Refusal, refusal_to_form, refusal_to_messages
from portal.twofactor import SecondFactorRefused
from review.publicity.objections import ObjectionRefused
from review.services import ReviewError
from subsidies.services.audits import FindingsRefused
from subsidies.services.ledger import LedgerRefused
from workstations.services.exits import ExitRefused
from workstations.services.lifecycle import TransitionRefused
from workstations.services.outcomes import OutcomeRefused


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


class _Form(forms.Form):
    title = forms.CharField()
    number = forms.CharField()


@pytest.mark.parametrize(
    "refusal",
    [
        TransitionRefused(["a"]),
        ApplicationLocked(["a"]),
        OutcomeRefused("a"),
        ExitRefused("a"),
        ReviewError("a"),
        ObjectionRefused("a"),
        LedgerRefused("a"),
        FindingsRefused({1: "a"}),
        DocumentRefused(["a"]),
        SecondFactorRefused("a"),
    ],
    ids=lambda r: type(r).__name__,
)
def test_every_service_refusal_is_one_refusal_type(refusal):
    assert isinstance(refusal, Refusal)
    assert refusal.problems and all(isinstance(p, str) for p in refusal.problems)


def test_the_messages_read_as_before():
    assert str(TransitionRefused(["第一条", "第二条"])) == "第一条; 第二条"
    assert OutcomeRefused("只有一条").problems == ["只有一条"]
    assert ExitRefused("不能退出").message == "不能退出"
    assert ReviewError("甲", "乙").problems == ["甲", "乙"]
    assert str(DocumentRefused(["文号已用", "年份不对"])) == "文号已用；年份不对"
    assert Refusal("%(n)d 条", params={"n": 3}).problems == ["3 条"]


def test_each_reason_becomes_its_own_error_message():
    request = _request()
    refusal_to_messages(request, TransitionRefused(["材料不全", "申报已截止"]))
    shown = [(m.level, m.message) for m in get_messages(request)]
    assert shown == [(constants.ERROR, "材料不全"), (constants.ERROR, "申报已截止")]


def test_on_a_form_the_reason_sits_on_its_field_and_what_was_typed_stays():
    form = _Form({"title": "二〇二六年度认定", "number": "平人社〔2026〕9号"})
    assert form.is_valid()
    refusal_to_form(form, Refusal("文号已被使用", field="number", code="taken"))
    assert form.errors["number"] == ["文号已被使用"]
    assert form.has_error("number", code="taken")
    html = form.as_p()
    assert 'value="二〇二六年度认定"' in html and 'value="平人社〔2026〕9号"' in html


def test_on_a_form_a_reason_without_a_field_of_that_form_goes_above_it():
    form = _Form({"title": "认定", "number": "9"})
    assert form.is_valid()
    refusal_to_form(form, Refusal(["不能保存", "请稍后再试"], field="not_on_this_form"))
    assert form.non_field_errors() == ["不能保存", "请稍后再试"]
    assert 'value="认定"' in form.as_p()


def test_the_view_passes_the_field_when_the_service_does_not_know_it():
    form = _Form({"title": "认定", "number": "第9号"})
    assert form.is_valid()
    refusal_to_form(form, DocumentRefused(["请按发文字号书写"]), field="number")
    assert form.errors["number"] == ["请按发文字号书写"]


@pytest.mark.django_db
def test_a_taken_document_number_is_shown_on_the_call_form_with_the_typed_call_kept(client, staff):
    client.force_login(staff)
    data = {
        "title": "2026年度平顶山市大众创业指导大师工作室认定申报",
        "document_number": "平人社〔2026〕9号",
        "opens_on": "2026-11-02",
        "closes_on": "2026-12-31",
        "grant_amount": "50000.00",
        "conditions": "符合办法第五条规定的条件。",
    }
    assert client.post(reverse("applications:call_create"), data).status_code == 302
    response = client.post(reverse("applications:call_create"), {**data, "title": "第二次申报通知"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["document_number"] and not form.non_field_errors()
    page = response.content.decode()
    assert "第二次申报通知" in page and "符合办法第五条规定的条件。" in page
