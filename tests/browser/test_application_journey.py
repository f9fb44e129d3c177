"""A host unit fills in the whole application (one step fails validation without losing input), submits and
downloads the PDF; the county clerk returns it, the host unit resubmits, the clerk recommends it."""

import datetime as dt

import pytest

from applications.models import Application
from portal.idcard import make_id_number
from tests.applications.factories import CallFactory, QuotaFactory
from tests.browser.materials import submit_with_confirmation, upload_required_materials
from workstations.models import State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MENTORS = [("张伟", 9, "创业培训讲师"), ("高远", 6, "人力资源师"), ("宋佳", 5, "心理咨询师")]


def add_mentor(page, live_server, name, years, certificate, seq):
    page.goto(f"{live_server.url}/applications/mentors/new/")
    page.fill("#id_name", name)
    page.fill("#id_id_number_input", make_id_number("410402", dt.date(1980, 2, 3), 200 + seq))
    page.fill("#id_phone", f"1391234567{seq}")
    page.fill("#id_position", "创业指导师")
    page.fill("#id_years_of_service", str(years))
    page.fill("#id_certificates", certificate)
    for box in ["constitution", "conduct", "lawful", "voluntary", "fit"]:
        page.check(f"#id_declares_{box}")
    page.click("[data-testid=mentor-save]")
    page.wait_for_load_state()
    assert name in page.inner_text("[data-testid=mentor-records]")


def test_application_journey(login, screenshot, live_server, host_user, host_unit, clerk, tmp_path):
    call = CallFactory(title="2026年度认定申报")
    QuotaFactory(call=call, recommender=host_unit.county, places=1)

    page = login(host_user)
    for seq, (name, years, cert) in enumerate(MENTORS):
        add_mentor(page, live_server, name, years, cert, seq)
    assert "410402********" in page.inner_text("[data-testid=mentor-records]")

    page.goto(f"{live_server.url}/applications/calls/{call.pk}/")
    page.click("[data-testid=start-application]")
    page.wait_for_load_state()

    # Step 1 with a wrong phone number: the error shows and everything typed is still there.
    page.fill("#id_unit_profile", "本基地是市级创业孵化示范基地，入驻企业86家。")
    page.fill("#id_address", "平顶山市新华区建设路1号")
    page.fill("#id_contact_person", "李主任")
    page.fill("#id_contact_phone", "12345")
    page.click("[data-testid=save-next]")
    page.wait_for_load_state()
    assert "手机号码" in page.inner_text("#step-form")
    assert page.input_value("#id_unit_profile") == "本基地是市级创业孵化示范基地，入驻企业86家。"
    assert page.input_value("#id_address") == "平顶山市新华区建设路1号"
    assert page.input_value("#id_contact_person") == "李主任"
    screenshot(page, "validation-error")
    page.fill("#id_contact_phone", "13812345678")
    page.click("[data-testid=save-next]")
    page.wait_for_load_state()

    # Step 2: the team.
    page.select_option("#id_lead_mentor", label="张伟")
    page.get_by_label("高远", exact=False).check()
    page.get_by_label("宋佳", exact=False).check()
    page.click("[data-testid=save-next]")
    page.wait_for_load_state()

    # Step 3: five staff in one go.
    for i in range(5):
        page.fill(f"#id_staff-{i}-name", f"工作人员{i + 1}")
        page.fill(f"#id_staff-{i}-position", "干事")
    page.click("[data-testid=save-next]")
    page.wait_for_load_state()

    for field in ["policy_publicity", "policy_implementation", "talent_system"]:
        page.fill(f"#id_statement_{field}", "已建立相应制度并认真落实。")
    page.click("[data-testid=save-next]")
    page.wait_for_load_state()
    for field in ["profile", "necessity", "management", "site", "talent"]:
        page.fill(f"#id_report_{field}", "详见附件说明。")
    page.click("[data-testid=save-next]")
    page.wait_for_load_state()
    page.fill("#id_site_address", "建设路1号3楼")
    page.fill("#id_site_area", "150")
    page.fill("#id_equipment", "电脑10台、投影仪2台")
    page.check("#id_site_provided")
    page.click("[data-testid=save-next]")
    page.wait_for_load_state()
    page.select_option("#id_recommender", index=1)
    page.click("[data-testid=save-next]")
    page.wait_for_load_state()

    # After the last step come the materials (Art. 7): submission is refused until every required one is there.
    assert "/materials/" in page.url
    application = Application.objects.get()
    page.goto(f"{live_server.url}/applications/{application.pk}/submit/")
    assert "张伟的身份证复印件" in page.inner_text("[data-testid=problems]")
    assert page.locator("[data-testid=confirm-submit]").count() == 0
    upload_required_materials(page, live_server.url, application.pk, MENTORS)

    page.goto(f"{live_server.url}/applications/{application.pk}/")
    assert "不符合" not in page.inner_text("[data-testid=eligibility]")
    screenshot(page, "ready-to-submit")
    submit_with_confirmation(page, live_server.url, application.pk)
    assert "已提交" in page.inner_text("main")
    with page.expect_download() as download_info:
        page.click("[data-testid=download-pdf]")
    pdf_path = tmp_path / "form.pdf"
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF-")

    clerk_page = login(clerk)
    clerk_page.goto(f"{live_server.url}/applications/{application.pk}/")
    assert "张伟大众创业指导大师工作室" in clerk_page.inner_text("[data-testid=app-name]")
    clerk_page.fill("#id_reason", "请补充导师获奖证书扫描件。")
    clerk_page.click("[data-testid=return]")
    clerk_page.wait_for_load_state()
    assert "退回修改" in clerk_page.inner_text("main")

    page.goto(f"{live_server.url}/applications/{application.pk}/")
    # The reason is at the top of the page, above the application.
    assert "请补充导师获奖证书扫描件。" in page.inner_text("[data-testid=return-reason]")
    submit_with_confirmation(page, live_server.url, application.pk)
    assert "已提交" in page.inner_text("main")

    clerk_page.goto(f"{live_server.url}/applications/{application.pk}/")
    clerk_page.fill("#id_opinion", "材料齐全，同意推荐。")
    clerk_page.click("[data-testid=recommend]")
    clerk_page.wait_for_load_state()
    screenshot(clerk_page, "recommended")
    application.workstation.refresh_from_db()
    assert application.workstation.state == State.RECOMMENDED
    assert "排序第1" in clerk_page.inner_text("main")
