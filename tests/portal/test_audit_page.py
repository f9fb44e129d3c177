"""Issue 19 item 5: the audit page a supervisor can read — events in words, people by name, objects by name,
paged, filtered by kind, person, workstation and dates, sign-ins folded, exported to Excel (itself audited)."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from portal.audit import AuditEvent, audit_record
from tests import factories
from workstations.models import State, Workstation
from workstations.services.lifecycle import workstation_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def li_na(city):
    city.short_name = "平顶山市人社局"
    city.save()
    return factories.UserFactory(organisation=city, username="lina2026", full_name="李娜")


@pytest.fixture
def zhang_san(host_unit):
    return Workstation.objects.create(
        host_unit=host_unit, recommender=host_unit.county, state=State.SUBMITTED, lead_mentor_name="张三"
    )


def _page_action(actor, view: str, **args) -> AuditEvent:
    """What portal.middleware.AuditMiddleware records for a POST to ``view``."""
    return audit_record(
        actor=actor, action="http.post", after={"view": view, "path": "/x/", "args": args}, outcome="302"
    )


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _table(response) -> str:
    """The events table only (the kind filter's select lists every phrase)."""
    html = _text(response)
    return html.split('data-testid="audit-events"', 1)[1].split("</table>", 1)[0]


def test_events_read_in_words_with_real_names_and_the_objects_names(client, supervisor, li_na, zhang_san, clerk):
    workstation_transition(workstation=zhang_san, transition="decline", actor=clerk, reason="名额已满")
    _page_action(li_na, "workstations:exit_propose", pk=zhang_san.pk)
    _page_action(li_na, "inbox_mark_all_read")
    client.force_login(supervisor)
    html = _table(client.get(reverse("audit_trail")))
    assert "李娜（平顶山市人社局）" in html and "lina2026" in html  # the login name only as a secondary detail
    assert "提出退出" in html and "全部消息标为已读" in html
    assert "工作室：张三大众创业指导大师工作室" in html
    assert "状态：已提交 → 未获推荐" in html and "原因：名额已满" in html
    for code in ("http.post", "workstation.decline", "workstations.workstation", "{&#x27;state&#x27;", "302"):
        assert code not in html


def test_english_readers_read_english_words(client, supervisor, li_na, zhang_san):
    _page_action(li_na, "workstations:exit_propose", pk=zhang_san.pk)
    client.force_login(supervisor)
    html = _text(client.get(reverse("audit_trail"), HTTP_ACCEPT_LANGUAGE="en"))
    assert "Exit proposed" in html and "提出退出" not in html


def test_the_kind_filter_finds_the_voting_events_by_their_words(client, supervisor, li_na, zhang_san):
    _page_action(li_na, "review:round_open", pk=7)
    _page_action(li_na, "review:round_close", pk=7)
    _page_action(li_na, "workstations:exit_propose", pk=zhang_san.pk)
    client.force_login(supervisor)
    for query in ({"words": "投票"}, {"kind": "group:review"}):
        html = _table(client.get(reverse("audit_trail"), query))
        assert "开启投票" in html and "结束投票" in html, query
        assert "提出退出" not in html, query
    html = _table(client.get(reverse("audit_trail"), {"kind": "http:review:round_open"}))
    assert "开启投票" in html and "结束投票" not in html


def test_filters_by_person_workstation_and_dates(client, supervisor, li_na, zhang_san, staff, clerk):
    workstation_transition(workstation=zhang_san, transition="decline", actor=clerk, reason="名额已满")
    other = Workstation.objects.create(host_unit=zhang_san.host_unit, state=State.SUBMITTED, lead_mentor_name="王五")
    _page_action(li_na, "workstations:exit_propose", pk=other.pk)
    _page_action(staff, "inbox_mark_all_read")
    client.force_login(supervisor)
    html = _table(client.get(reverse("audit_trail"), {"person": "李娜"}))
    assert "提出退出" in html and "未获推荐" not in html and "全部消息标为已读" not in html
    html = _table(client.get(reverse("audit_trail"), {"workstation": zhang_san.pk}))
    assert "张三大众创业指导大师工作室" in html and "未获推荐" in html and "王五" not in html
    # By name, as a supervisor types it (the page lists no select of every workstation of the city, issue 21).
    html = _table(client.get(reverse("audit_trail"), {"workstation": "张三大众创业指导大师工作室"}))
    assert "未获推荐" in html and "王五" not in html
    page = _text(client.get(reverse("audit_trail"), {"workstation": "赵六"}))
    assert "没有名为“赵六”的工作室" in page and 'value="赵六"' in page
    html = _text(client.get(reverse("audit_trail"), {"date_from": "2000-01-01", "date_to": "2000-01-02"}))
    assert 'data-testid="audit-row"' not in html


def test_invalid_filters_get_a_message_and_keep_what_was_typed(client, supervisor, li_na):
    _page_action(li_na, "inbox_mark_all_read")
    client.force_login(supervisor)
    query = {"date_from": "2026-11-30", "date_to": "2026-11-01", "words": "不存在的词", "person": "李娜"}
    html = _text(client.get(reverse("audit_trail"), query))
    assert "结束日期早于开始日期" in html and "不存在的词" in html
    assert 'value="2026-11-30"' in html and 'value="2026-11-01"' in html and 'value="李娜"' in html
    assert "全部消息标为已读" in html  # the valid filter (person) still applies


def test_pages_are_bounded_and_keep_the_filters_and_queries_do_not_grow(client, supervisor, li_na, zhang_san):
    client.force_login(supervisor)

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            _text(client.get(reverse("audit_trail"), {"person": "李娜"}))
        return len(captured)

    for _ in range(3):
        _page_action(li_na, "workstations:exit_propose", pk=zhang_san.pk)
        _page_action(li_na, "review:round_open", pk=1)
    small = queries_for_page()
    for _ in range(60):
        _page_action(li_na, "workstations:exit_propose", pk=zhang_san.pk)
        _page_action(li_na, "review:round_open", pk=1)
    assert queries_for_page() == small
    html = _text(client.get(reverse("audit_trail"), {"person": "李娜"}))
    assert html.count('data-testid="audit-row"') == 50
    assert "person=%E6%9D%8E%E5%A8%9C&amp;page=2" in html
    second = _text(client.get(reverse("audit_trail"), {"person": "李娜", "page": 3}))
    assert second.count('data-testid="audit-row"') == 126 - 100


def test_the_unfiltered_count_follows_every_event_appended_after_a_visit(client, supervisor, li_na):
    """The whole trail's count is kept per link of the chain (issue 21): each new event shows at the next visit, with
    sign-ins folded or shown, and the pager reaches it."""
    client.force_login(supervisor)

    def count(**params) -> int:
        return client.get(reverse("audit_trail"), params).context["page"].paginator.count

    folded, shown = count(), count(sessions="on")
    assert shown == AuditEvent.objects.count() and folded < shown  # the supervisor's own sign-in is folded
    _page_action(li_na, "inbox_mark_all_read")
    assert (count(), count(sessions="on")) == (folded + 1, shown + 1)
    audit_record(actor=li_na, action="auth.login")
    assert (count(), count(sessions="on")) == (folded + 1, shown + 2)
    first = _table(client.get(reverse("audit_trail")))
    assert first.count('data-testid="audit-row"') == folded + 1


def test_the_kind_select_offers_every_kind_and_keeps_the_one_chosen(client, supervisor):
    from portal.audit_display.kinds import kinds

    client.force_login(supervisor)
    html = _text(client.get(reverse("audit_trail"), {"kind": "group:review"}))
    assert html.count("<option ") >= len({(k.group, str(k.label)) for k in kinds().values()})
    assert '<option value="group:review" selected>' in html


def test_sign_ins_are_folded_by_default(client, supervisor, li_na):
    for _ in range(3):
        audit_record(actor=li_na, action="auth.login")
    audit_record(actor=li_na, action="auth.logout")
    _page_action(li_na, "inbox_mark_all_read")
    client.force_login(supervisor)  # a fifth sign-in/out event, the supervisor's own
    response = client.get(reverse("audit_trail"))
    html = _table(response)
    assert html.count('data-testid="audit-row"') == 1 and "登录系统" not in html
    assert "5 次登录或退出未显示" in _text(response)
    html = _table(client.get(reverse("audit_trail"), {"sessions": "on"}))
    assert html.count('data-testid="audit-row"') == 6 and "登录系统" in html


def test_failed_sign_ins_and_lockouts_stay_visible_and_never_show_a_typed_password(client, supervisor, staff):
    for _ in range(5):
        client.post(reverse("login"), {"username": "staff", "password": "wrong"})
    client.post(reverse("login"), {"username": "Secret@Pass1", "password": "x"})
    assert AuditEvent.objects.filter(action="auth.lockout").exists()
    client.force_login(supervisor)
    html = _table(client.get(reverse("audit_trail")))
    assert "登录失败" in html and "账户因多次登录失败被锁定" in html and "未登录" in html
    assert "Secret@Pass1" not in html


def test_export_holds_the_filtered_events_in_words_and_is_itself_audited(client, supervisor, li_na, zhang_san):
    _page_action(li_na, "review:round_open", pk=7)
    _page_action(li_na, "workstations:exit_propose", pk=zhang_san.pk)
    audit_record(actor=li_na, action="auth.login")
    client.force_login(supervisor)
    response = client.get(reverse("audit_export"), {"kind": "group:review"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    text = [" ".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True)]
    body = "\n".join(text)
    assert "开启投票" in body and "李娜" in body and "平顶山市人社局" in body
    assert "提出退出" not in body and "登录系统" not in body and "http.post" not in body
    assert sum("开启投票" in line for line in text) == 1
    export = AuditEvent.objects.get(action="audit.export")
    assert export.actor == supervisor and export.after["rows"] == 1
    assert export.after["filters"] == {"kind": "group:review"}
    html = _table(client.get(reverse("audit_trail"), {"kind": "group:downloads"}))
    assert "导出审计记录" in html


@pytest.mark.parametrize("who", ["host_user", "clerk", "expert", "auditor"])
def test_roles_that_may_not_read_the_trail_are_refused_page_and_export(client, request, who, li_na):
    _page_action(li_na, "inbox_mark_all_read")
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("audit_trail")).status_code == 403
    assert client.get(reverse("audit_export")).status_code == 403
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_an_exit_case_reads_as_its_workstation_and_the_workstation_filter_reaches_it(
    client, supervisor, li_na, zhang_san
):
    from workstations.models.exits import ExitCase, ExitGround, ExitKind

    other = Workstation.objects.create(host_unit=zhang_san.host_unit, state=State.ACTIVE, lead_mentor_name="王五")
    case = ExitCase.objects.create(
        workstation=zhang_san, kind=ExitKind.NATURAL, ground=ExitGround.OWN_REQUEST, facts="申请退出", proposed_by=li_na
    )
    audit_record(actor=li_na, action="exit.proposed", obj=case, after={"ground": case.ground, "kind": case.kind})
    _page_action(li_na, "workstations:exit_confirm", pk=case.pk)
    _page_action(li_na, "workstations:exit_propose", pk=other.pk)
    client.force_login(supervisor)
    html = _table(client.get(reverse("audit_trail"), {"workstation": zhang_san.pk}))
    assert html.count("退出事项：张三大众创业指导大师工作室") == 2
    assert "退出情形：所在单位自主申请注销" in html  # the choice's label, not its code
    assert "确认退出" in html and "王五" not in html
    assert "workstations.exitcase" not in html and "own_request" not in html


def test_a_change_in_the_administration_reads_as_words_and_names_the_record(client, supervisor, li_na, zhang_san):
    _page_action(li_na, "admin:workstations_workstation_change", object_id=str(zhang_san.pk))
    client.force_login(supervisor)
    html = _table(client.get(reverse("audit_trail"), {"workstation": zhang_san.pk}))
    assert "后台修改：工作室" in html and "工作室：张三大众创业指导大师工作室" in html
    assert "admin:" not in html


def test_a_workstation_filter_naming_several_costs_no_query_per_workstation(client, supervisor, zhang_san, li_na):
    """A name that matches several workstations is one filter, not one per workstation (no N+1)."""
    client.force_login(supervisor)

    def queries_for(name: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            _text(client.get(reverse("audit_trail"), {"workstation": name}))
        return len(captured)

    first = Workstation.objects.create(host_unit=zhang_san.host_unit, state=State.SUBMITTED, lead_mentor_name="王一")
    _page_action(li_na, "workstations:exit_propose", pk=first.pk)
    one = queries_for("王")
    for name in ("王二", "王三", "王四", "王五"):
        other = Workstation.objects.create(host_unit=zhang_san.host_unit, state=State.SUBMITTED, lead_mentor_name=name)
        _page_action(li_na, "workstations:exit_propose", pk=other.pk)
    assert queries_for("王") == one
    html = _table(client.get(reverse("audit_trail"), {"workstation": "王"}))
    assert html.count('data-testid="audit-row"') == 5
