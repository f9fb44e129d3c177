"""The 推荐汇总表 export, the quota board on the call page and the home-page panels."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from applications import services
from tests import factories
from tests.applications.factories import CallFactory, QuotaFactory, make_application
from workstations.models import State


@pytest.fixture
def call(county):
    call = CallFactory()
    QuotaFactory(call=call, recommender=county, places=3)
    return call


@pytest.mark.django_db
def test_recommendation_sheet_lists_ranked_candidates(client, county, clerk, call):
    names = ["=HYPERLINK(1)", "李娜"]
    for name in names:
        host = factories.HostUnitFactory(county=county)
        lead = make_application(host_unit=host, call=call, state=State.SUBMITTED).lead_mentor
        lead.name = name
        lead.save()
        app = lead.led_applications.get()
        app.workstation.lead_mentor_name = name
        app.workstation.save(update_fields=["lead_mentor_name"])
        services.application_recommend(application=app, actor=clerk, opinion="同意推荐。")
    client.force_login(clerk)
    response = client.get(reverse("applications:recommendation_sheet", args=[call.pk]))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert "推荐汇总表" in rows[0][0]
    header = rows[2]
    assert header[:2] == ("排序", "工作室")
    assert [r[0] for r in rows[3:]] == [1, 2]
    lead_col = header.index("领衔创业导师")
    assert rows[3][lead_col] == "'=HYPERLINK(1)"  # neutralised, never a formula
    assert rows[4][lead_col] == "李娜"
    # As an office files it: merged title, frozen header, A4 landscape one page wide with the header repeated.
    assert any(str(r).startswith("A1:") for r in ws.merged_cells.ranges)
    assert ws.freeze_panes == "A4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$3:$3"
    # The same mentor count as the checklist (the lead is not one of the "创业导师"), the reason and the contact.
    app = lead.led_applications.get()
    further = next(c for c in app.eligibility() if c.code == "mentors")
    assert rows[4][header.index("创业导师（不含领衔）")] == 2 and "2" in further.reason
    assert rows[4][header.index("推荐理由")] == "同意推荐。"
    assert rows[4][header.index("联系人")] == "李主任"
    assert rows[4][header.index("联系电话")] == "138****5678"


@pytest.mark.django_db
def test_call_page_shows_quota_used_and_remaining(client, county, clerk, call, host_user):
    app = make_application(host_unit=factories.HostUnitFactory(county=county), call=call, state=State.SUBMITTED)
    services.application_recommend(application=app, actor=clerk, opinion="同意推荐。")
    client.force_login(host_user)
    page = client.get(reverse("applications:call_detail", args=[call.pk])).content.decode()
    table = page.split('data-testid="quotas"')[1]
    assert "<td>3</td><td>1</td><td>2</td>" in table


@pytest.mark.django_db
def test_host_unit_home_shows_returned_application(client, host_user, host_unit, call):
    app = make_application(host_unit=host_unit, call=call, state=State.RETURNED)
    client.force_login(host_user)
    page = client.get(reverse("home")).content.decode()
    assert "被退回的申报" in page
    assert reverse("applications:detail", args=[app.pk]) in page


@pytest.mark.django_db
def test_recommender_home_shows_waiting_and_quota(client, clerk, host_unit, call):
    make_application(host_unit=host_unit, call=call, state=State.SUBMITTED)
    client.force_login(clerk)
    page = client.get(reverse("home")).content.decode()
    assert "待遴选推荐" in page
    assert "名额已用：0 / 3" in page
