"""One call from start to finish in Chromium (issue 9, item 1), each step by the right user in their own browser.

Staff open a call with quotas → two host units apply (one meets a validation error on the way) → the county clerk
returns one, then recommends both (opinion, one original checked) → staff record a site visit and pass both in the
qualification check (资格审查) → staff form a panel for the call, create a round with the recommended candidates and
open it → three experts vote, one recuses → the supervisor re-counts → staff publish → a member of the public objects
to one candidate in real name, staff dismiss it → the window closes (the test moves the list's dates into the past and
staff run the closing job; nothing sleeps) → staff issue the confirmation document and plaques (hand-over → active) →
staff record the city grant; the host unit files reports and an expenditure → staff run the annual evaluation → the
host unit applies to exit → staff confirm → the public directory no longer lists the workstation.

Only what no user can do in the portal is seeded: organisations, users and the working-day calendar around today.
Screenshots of each step go to ``artifacts/screenshots`` (see the README).
"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from applications.models import Application, Call
from applications.samples import pdf_bytes, png_bytes
from portal.idcard import make_id_number
from portal.workdays.models import CalendarDay
from review.publicity import forms as publicity_forms
from review.publicity.models import PublicityList
from tests import factories
from tests.browser.materials import submit_with_confirmation, upload_required_materials
from workstations.models import State, Workstation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZHANG = "张伟大众创业指导大师工作室"
LI = "李强大众创业指导大师工作室"


def submit(page, selector="button[type=submit]"):
    page.click(selector)
    page.wait_for_load_state()


def add_mentor(page, url, name, years, certificate, seq):
    page.goto(f"{url}/applications/mentors/new/")
    page.fill("#id_name", name)
    page.fill("#id_id_number_input", make_id_number("410402", dt.date(1980, 2, 3), 300 + seq))
    page.fill("#id_phone", f"1391234560{seq}")
    page.fill("#id_position", "创业指导师")
    page.fill("#id_years_of_service", str(years))
    page.fill("#id_certificates", certificate)
    for box in ["constitution", "conduct", "lawful", "voluntary", "fit"]:
        page.check(f"#id_declares_{box}")
    submit(page, "[data-testid=mentor-save]")
    assert name in page.inner_text("[data-testid=mentor-records]")


def apply(page, url, call_title, mentors, *, seq, phone_error=False, screenshot=None):
    """The host unit's whole application: mentors, the seven steps, one material, submit. Returns the application."""
    for n, (name, years, cert) in enumerate(mentors):
        add_mentor(page, url, name, years, cert, seq + n)
    page.goto(f"{url}/applications/calls/")
    page.click(f"text={call_title}")
    submit(page, "[data-testid=start-application]")

    page.fill("#id_unit_profile", "本基地是市级创业孵化示范基地，入驻企业86家。")
    page.fill("#id_address", "平顶山市新华区建设路1号")
    page.fill("#id_contact_person", "李主任")
    page.fill("#id_contact_phone", "12345" if phone_error else "13812345678")
    submit(page, "[data-testid=save-next]")
    if phone_error:
        # A wrong phone number: the error is shown in Chinese and nothing typed is lost.
        assert "手机号码" in page.inner_text("#step-form")
        assert page.input_value("#id_unit_profile") == "本基地是市级创业孵化示范基地，入驻企业86家。"
        assert page.input_value("#id_contact_person") == "李主任"
        screenshot(page, "application-validation-error")
        page.fill("#id_contact_phone", "13812345678")
        submit(page, "[data-testid=save-next]")

    page.select_option("#id_lead_mentor", label=mentors[0][0])
    for name, _years, _cert in mentors[1:]:
        page.get_by_label(name, exact=False).check()
    submit(page, "[data-testid=save-next]")
    for i in range(5):
        page.fill(f"#id_staff-{i}-name", f"工作人员{seq + i}")
        page.fill(f"#id_staff-{i}-position", "干事")
    submit(page, "[data-testid=save-next]")
    for field in ["policy_publicity", "policy_implementation", "talent_system"]:
        page.fill(f"#id_statement_{field}", "已建立相应制度并认真落实。")
    submit(page, "[data-testid=save-next]")
    for field in ["profile", "necessity", "management", "site", "talent"]:
        page.fill(f"#id_report_{field}", "详见附件说明。")
    submit(page, "[data-testid=save-next]")
    page.fill("#id_site_address", "建设路1号3楼")
    page.fill("#id_site_area", "150")
    page.fill("#id_equipment", "电脑10台、投影仪2台")
    page.check("#id_site_provided")
    submit(page, "[data-testid=save-next]")
    page.select_option("#id_recommender", index=1)
    submit(page, "[data-testid=save-next]")

    application = Application.objects.get(workstation__lead_mentor_name=mentors[0][0])
    # Art. 7: every mentor's ID card and certificate scan and the signed report, or submission is refused.
    upload_required_materials(page, url, application.pk, mentors)
    page.goto(f"{url}/applications/{application.pk}/")
    assert "不符合" not in page.inner_text("[data-testid=eligibility]")
    submit_with_confirmation(page, url, application.pk)
    assert "已提交" in page.inner_text("main")
    return application


def cast(page, base, lead, choice):
    """An expert votes on one candidate: choose, confirm on the confirmation screen, read the receipt (shown once)."""
    page.goto(base)
    page.click(f"[data-testid=candidate-{lead}] [data-testid=vote-link]")
    page.check(f"input[name=choice][value={choice}]")
    submit(page, "[data-testid=ballot-next]")
    assert page.inner_text("[data-testid=confirm-choice]").strip()
    submit(page, "[data-testid=ballot-cast]")
    code = page.inner_text("[data-testid=receipt-code]").strip()
    assert code
    return code


def state_of(lead):
    return Workstation.objects.get(lead_mentor_name=lead).state


def test_whole_lifecycle(
    login, anon_page, screenshot, live_server, staff, county, host_unit, host_user, clerk, supervisor, monkeypatch
):
    url = live_server.url
    cache.clear()
    monkeypatch.setattr(publicity_forms, "MIN_FILL_SECONDS", 0)
    today = timezone.localdate()
    for offset in range(-30, 30):  # the seeded calendar ends with 2026; keep the windows computable after that
        day = today + dt.timedelta(days=offset)
        CalendarDay.objects.get_or_create(date=day, defaults={"is_working_day": day.weekday() < 5})
    other_unit = factories.HostUnitFactory(county=county, name="鹰城创业孵化基地")
    other_user = factories.UserFactory(organisation=other_unit, username="host2")
    pool = factories.ExpertPoolFactory()
    experts = [
        factories.UserFactory(organisation=pool, username=f"expert{n}", full_name=name)
        for n, name in enumerate(["周专家", "吴专家", "郑专家"], start=1)
    ]

    # 1. Staff open a call with a quota of two for the county.
    staff_page = login(staff)
    staff_page.goto(f"{url}/applications/calls/new/")
    staff_page.fill("#id_title", "2026年度大众创业指导大师工作室认定申报")
    staff_page.fill("#id_document_number", "平人社〔2026〕9号")
    staff_page.fill("#id_opens_on", today.isoformat())
    staff_page.fill("#id_closes_on", (today + dt.timedelta(days=30)).isoformat())
    staff_page.fill("#id_grant_amount", "50000")
    staff_page.fill("#id_conditions", "按平人社办〔2024〕44号第五条执行。")
    staff_page.fill(f"#id_quota_{county.pk}", "2")
    submit(staff_page, "main form button[type=submit]")
    assert "进行中" in staff_page.inner_text("main")
    assert f"{county.display_short}\t2\t0\t2" in staff_page.inner_text("[data-testid=quotas]")
    screenshot(staff_page, "call-opened")
    call_title = "2026年度大众创业指导大师工作室认定申报"

    # 2. Two host units apply; the first meets a validation error on the way.
    host = login(host_user)
    app_a = apply(
        host,
        url,
        call_title,
        [("张伟", 9, "创业培训讲师"), ("高远", 6, "人力资源师"), ("宋佳", 5, "心理咨询师")],
        seq=0,
        phone_error=True,
        screenshot=screenshot,
    )
    host2 = login(other_user)
    app_b = apply(
        host2, url, call_title, [("李强", 8, "创业咨询师"), ("马丽", 6, "经济师"), ("韩冰", 5, "创业培训讲师")], seq=3
    )
    screenshot(host2, "second-application-submitted")

    # 3. The county clerk returns one, the host unit resubmits, the clerk recommends both.
    clerk_page = login(clerk)
    clerk_page.goto(f"{url}/applications/calls/")
    clerk_page.click(f"text={call_title}")
    clerk_page.click("[data-testid=desk]")
    assert LI in clerk_page.inner_text("[data-testid=waiting]")
    clerk_page.click(f"[data-testid=waiting] >> text={LI}")
    clerk_page.fill("#id_reason", "请补充导师获奖证书扫描件。")
    submit(clerk_page, "[data-testid=return]")
    assert "退回修改" in clerk_page.inner_text("main")
    screenshot(clerk_page, "returned")
    host2.goto(f"{url}/applications/{app_b.pk}/")
    assert "请补充导师获奖证书扫描件。" in host2.inner_text("[data-testid=return-reason]")
    submit_with_confirmation(host2, url, app_b.pk)
    assert "已提交" in host2.inner_text("main")
    # The clerk sees what changed in the resubmission, checks an original and recommends both with an opinion.
    clerk_page.goto(f"{url}/applications/{app_b.pk}/")
    assert clerk_page.locator("[data-testid=snapshot-diff]").is_visible()
    clerk_page.goto(f"{url}/applications/{app_b.pk}/materials/")
    submit(clerk_page, "[data-testid=material-row] [data-testid=check-original]")
    assert clerk_page.locator("[data-testid=original-checked]").count() >= 1
    for application in (app_a, app_b):
        clerk_page.goto(f"{url}/applications/{application.pk}/")
        clerk_page.fill("#id_opinion", "材料齐全，导师团队符合条件，同意推荐。")
        submit(clerk_page, "[data-testid=recommend]")
    clerk_page.goto(f"{url}/applications/calls/")
    clerk_page.click(f"text={call_title}")
    clerk_page.click("[data-testid=desk]")
    ranked = clerk_page.inner_text("[data-testid=ranked]")
    assert ZHANG in ranked and LI in ranked
    screenshot(clerk_page, "recommended")
    assert state_of("张伟") == state_of("李强") == State.RECOMMENDED

    # 3b. The city's qualification check (资格审查): a site visit with a photo, then both pass.
    for application in (app_a, app_b):
        staff_page.goto(f"{url}/applications/{application.pk}/")
        staff_page.fill("#id_people", "王建国、李晓梅")
        staff_page.fill("#id_findings", "场地、设备与申报一致。")
        staff_page.set_input_files("#id_photos", {"name": "site.png", "mimeType": "image/png", "buffer": png_bytes()})
        submit(staff_page, "[data-testid=site-visit-save]")
        assert "场地、设备与申报一致。" in staff_page.inner_text("[data-testid=site-visits]")
        submit(staff_page, "[data-testid=qualify]")
    screenshot(staff_page, "qualification-passed")
    assert state_of("张伟") == state_of("李强") == State.QUALIFIED

    # 4. Staff open the ballot: a panel for the call, a round with the recommended candidates.
    staff_page.goto(f"{url}/review/panels/new/")
    staff_page.fill("#id_name", "2026年度认定评审专家组")
    staff_page.select_option("#id_call", str(Call.objects.get(title=call_title).pk))
    for expert in experts:
        staff_page.get_by_label(str(expert), exact=False).check()
    submit(staff_page, "main form button[type=submit]")
    assert "2026年度认定评审专家组" in staff_page.inner_text("main")
    staff_page.goto(f"{url}/review/rounds/new/")
    staff_page.select_option("#id_panel", label="2026年度认定评审专家组")
    staff_page.fill("#id_title", "2026年度认定评审")
    staff_page.fill("#id_min_eligible", "2")
    submit(staff_page, "[data-testid=round-form] [data-testid=save]")
    # The panel's call brings its recommended applications, ticked.
    assert staff_page.get_by_label(ZHANG, exact=False).is_checked()
    assert staff_page.get_by_label(LI, exact=False).is_checked()
    submit(staff_page, "[data-testid=candidates-form] [data-testid=save]")
    base = staff_page.url
    assert "/review/rounds/" in base
    screenshot(staff_page, "round-draft")

    # The third expert works closely with 鹰城创业孵化基地 and declares the conflict before the round opens.
    experts_pages = [login(expert) for expert in experts]
    recusing = experts_pages[2]
    recusing.goto(base)
    row = recusing.locator("[data-testid=candidate-李强]")
    row.locator("input[name=reason]").fill("本人担任鹰城创业孵化基地顾问。")
    row.locator("button").click()
    recusing.wait_for_load_state()
    assert recusing.locator("[data-testid=candidate-李强] [data-testid=recused]").is_visible()
    staff_page.goto(base)
    submit(staff_page, "[data-testid=open-round]")
    # 开始投票 states the consequence first (issue 15 item 5), then opens.
    assert "3" in staff_page.inner_text("[data-testid=open-consequence]")
    submit(staff_page, "[data-testid=open-round-confirm]")
    assert state_of("张伟") == state_of("李强") == State.UNDER_REVIEW
    # Issue 13: each key holder (the supervisor and staff) takes their share of the ballot box key, once.
    sup = login(supervisor)
    shares = {}
    for holder_page, who in ((sup, "supervisor"), (staff_page, "staff")):
        holder_page.goto(f"{base}key-share/")
        submit(holder_page, "[data-testid=take-share]")
        shares[who] = holder_page.inner_text("[data-testid=share-code]").strip()
        screenshot(holder_page, f"key-share-{who}")

    # 5. Three experts vote; the recused one cannot vote on 李强.
    receipts = [cast(experts_pages[0], base, "张伟", "approve")]
    screenshot(experts_pages[0], "ballot-receipt")
    cast(experts_pages[0], base, "李强", "approve")
    cast(experts_pages[1], base, "张伟", "approve")
    cast(experts_pages[1], base, "李强", "approve")
    cast(recusing, base, "张伟", "disapprove")
    recusing.goto(base)
    assert recusing.locator("[data-testid=candidate-李强] [data-testid=vote-link]").count() == 0
    screenshot(recusing, "recused")
    # The receipt is shown once: back on the candidate page the expert only learns that the ballot is cast.
    experts_pages[0].goto(base)
    experts_pages[0].click(f"[data-testid=candidate-张伟] >> text={ZHANG}")
    experts_pages[0].wait_for_url("**/candidates/**")  # the click navigates; wait for the candidate page
    experts_pages[0].locator("[data-testid=already-voted]").wait_for(state="visible")
    assert experts_pages[0].locator("[data-testid=already-voted]").is_visible()
    assert receipts[0] not in experts_pages[0].content()

    staff_page.goto(base)
    assert staff_page.inner_text("[data-testid=candidate-张伟] [data-testid=ballots-count]") == "3"
    assert staff_page.inner_text("[data-testid=candidate-李强] [data-testid=ballots-count]") == "2"
    submit(staff_page, "[data-testid=close-round]")
    # 结束投票并计票 is the key holders' ceremony: the page states the numbers, the holders type their shares.
    assert "已有 3 名投票" in staff_page.inner_text("[data-testid=close-consequence]")
    fields = staff_page.locator("[data-testid=close-form] input[name^=share_]")
    for i in range(fields.count()):
        label = staff_page.locator(f"label[for={fields.nth(i).get_attribute('id')}]").inner_text()
        fields.nth(i).fill(shares["supervisor"] if str(supervisor) in label else shares["staff"])
    screenshot(staff_page, "close-ceremony")
    submit(staff_page, "[data-testid=close-round-confirm]")
    assert staff_page.inner_text("[data-testid=candidate-张伟] [data-testid=outcome]").strip() == "通过"
    assert staff_page.inner_text("[data-testid=candidate-李强] [data-testid=outcome]").strip() == "通过"
    screenshot(staff_page, "round-closed")

    # 6. The supervisor re-counts: the key holders' shares open the sealed ballots again.
    sup.goto(f"{base}oversight/")
    sup.fill("[data-testid=recount-form] textarea[name=shares]", f"{shares['supervisor']}\n{shares['staff']}")
    submit(sup, "[data-testid=recount]")
    result = sup.inner_text("[data-testid=recount-result]")
    assert "一致" in result and "不一致" not in result
    screenshot(sup, "recount")

    # 7. Staff publish the list.
    staff_page.goto(f"{url}/publicity/")
    staff_page.click("[data-testid=publish-link]")
    staff_page.fill("#id_title", "2026年度大众创业指导大师工作室拟认定名单公示")
    submit(staff_page, "[data-testid=publish-form] button[type=submit]")
    assert state_of("张伟") == state_of("李强") == State.IN_PUBLICITY
    screenshot(staff_page, "published")

    # 8. A member of the public objects to 李强's workstation in real name; staff dismiss the objection.
    public = anon_page
    public.goto(f"{url}/public/publicity/")
    public.click("text=2026年度大众创业指导大师工作室拟认定名单公示")
    candidates = public.inner_text("[data-testid=candidates]")
    assert ZHANG in candidates and LI in candidates
    public.click("[data-testid=object]")
    option = public.locator("select[name=entry] option", has_text=LI)
    public.select_option("select[name=entry]", option.get_attribute("value"))
    public.fill("input[name=objector_name]", "陈刚")
    public.fill("input[name=objector_phone]", "15937501234")
    public.fill("textarea[name=facts]", "该工作室所在孵化基地的场地已于今年转租他用，实际没有固定办公场所。")
    submit(public, "[data-testid=objection-submit]")
    code = public.inner_text("[data-testid=tracking-code]").strip()
    screenshot(public, "objection-filed")

    staff_page.goto(f"{url}/publicity/")
    staff_page.click("[data-testid=open-objections] a")
    assert "陈刚" in staff_page.inner_text("[data-testid=objection]")
    # The decision rests on the investigation record (issue 15), and is confirmed on a page stating its effect.
    staff_page.fill("textarea[name=investigation]", "实地查看孵化基地，场地仍由工作室使用，租赁合同在有效期内。")
    submit(staff_page, "form[action$='/investigate/'] button[type=submit]")
    staff_page.check("input[name=decision][value=dismissed]")
    staff_page.fill("textarea[name=reason]", "经实地核查，该工作室场地仍在使用，反映问题不属实。")
    submit(staff_page, "[data-testid=decide-submit]")
    assert LI in staff_page.inner_text("[data-testid=decision-consequences]")
    screenshot(staff_page, "objection-decision-confirm")
    submit(staff_page, "[data-testid=decide-confirm]")
    assert staff_page.inner_text("[data-testid=status]") == "异议不成立"
    public.goto(f"{url}/public/objections/track/")
    public.fill("input[name=code]", code)
    submit(public, "[data-testid=track-submit]")
    assert public.inner_text("[data-testid=track-status]") == "异议不成立"
    screenshot(public, "objection-dismissed")

    # 9. The window closes: the list's dates move into the past (no sleeping), staff run the closing job.
    shift = dt.timedelta(days=14)
    publicity_list = PublicityList.objects.get()
    PublicityList.objects.filter(pk=publicity_list.pk).update(
        published_at=publicity_list.published_at - shift,
        recorded_at=publicity_list.recorded_at - shift,
        first_day=publicity_list.first_day - shift,
        last_day=publicity_list.last_day - shift,
        closes_at=publicity_list.closes_at - shift,
    )
    staff_page.goto(f"{url}/publicity/")
    submit(staff_page, "main form[action$='/publicity/close/'] button")
    assert state_of("张伟") == state_of("李强") == State.PUBLICITY_CLEARED
    screenshot(staff_page, "window-closed")

    # 10. Staff issue the confirmation document, make the plaques and hand them over.
    staff_page.goto(f"{url}/publicity/confirmations/")
    submit(staff_page, "[data-testid=confirm-form] button[type=submit]")
    # Issue 15 item 5: first the document number (suggested, as the office would assign it) and the PDF preview.
    number = staff_page.inner_text("[data-testid=preview-number]").strip()
    # The call took 平人社〔2026〕9号 in the same series: the suggestion skips it.
    assert number == (f"平人社〔{today.year}〕{10 if today.year == 2026 else 1}号")
    assert staff_page.locator("[data-testid=preview-pdf]").is_visible()
    assert state_of("张伟") == State.PUBLICITY_CLEARED
    screenshot(staff_page, "confirmation-preview")
    submit(staff_page, "[data-testid=confirm-issue]")
    documents = staff_page.inner_text("[data-testid=documents]")
    assert f"关于认定{today.year}年度平顶山市大众创业指导大师工作室的通知" in documents
    screenshot(staff_page, "confirmation-issued")
    assert state_of("张伟") == state_of("李强") == State.CERTIFIED
    public.goto(f"{url}/public/workstations/")
    assert ZHANG not in public.inner_text("[data-testid=directory]")  # certified, not yet active: not listed yet
    staff_page.goto(f"{url}/publicity/plaques/")
    for lead in ("张伟", "李强"):
        ws = Workstation.objects.get(lead_mentor_name=lead)
        submit(staff_page, f"[data-testid=make-plaque-{ws.pk}]")
        form = staff_page.locator(f"[data-testid=hand-over-{ws.pk}]")
        form.locator("input[name=handed_over_to]").fill("李主任")
        form.locator("button").click()
        staff_page.wait_for_load_state()
        assert state_of(lead) == State.ACTIVE
    screenshot(staff_page, "plaques-handed-over")
    zhang = Workstation.objects.get(lead_mentor_name="张伟")
    public.goto(f"{url}/public/workstations/")
    directory = public.inner_text("[data-testid=directory]")
    assert ZHANG in directory and LI in directory and zhang.plaque_number in directory
    screenshot(public, "directory-before-exit")

    # 11. Staff record the city grant; the host unit files reports and an expenditure.
    staff_page.goto(f"{url}/subsidies/workstations/{zhang.pk}/")
    staff_page.click("[data-testid=record-city_grant]")
    staff_page.fill("input[name=amount]", "50000")
    staff_page.fill("textarea[name=description]", "市级一次性建设补助")
    submit(staff_page, "[data-testid=entry-submit]")
    assert "50,000.00元" in staff_page.inner_text("[data-testid=entries]")

    host.goto(f"{url}/workstations/{zhang.pk}/outcomes/")
    for kind, title in [("consultation", "区域创业政策咨询会"), ("themed", "创业导师进校园主题活动")]:
        host.click(f"[data-testid=new-report-{kind}]")
        host.fill("input[name=title]", title)
        host.fill("input[name=held_on]", today.isoformat())
        host.fill("input[name=place]", "新华区创业服务中心")
        host.fill("input[name=participant_count]", "35")
        host.fill("textarea[name=description]", "政策解读与一对一创业指导。")
        if kind == "themed":
            host.select_option("select[name=setting]", "campus")
        submit(host, "[data-testid=report-submit]")
        assert "待审核" in host.inner_text("[data-testid=report-status]")
        host.goto(f"{url}/workstations/{zhang.pk}/outcomes/")
    screenshot(host, "reports-filed")
    host.goto(f"{url}/subsidies/workstations/{zhang.pk}/")
    host.click("[data-testid=record-expenditure]")
    host.select_option("select[name=source]", "city")
    host.select_option("select[name=category]", "training")
    host.fill("input[name=amount]", "8600.00")
    host.fill("textarea[name=description]", "创业服务骨干培训班讲课费")
    host.set_input_files(
        "input[name=receipts]", {"name": "培训发票.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    submit(host, "[data-testid=entry-submit]")
    assert "8,600.00元" in host.inner_text("[data-testid=entries]")
    assert "41,400.00元" in host.inner_text("[data-testid=totals-by-source]")
    screenshot(host, "ledger")

    for _ in range(2):
        staff_page.goto(f"{url}/workstations/reports/")
        staff_page.click("[data-testid=report-list] tbody a")
        submit(staff_page, "[data-testid=report-accept]")

    # 12. Staff run the annual evaluation: open it, score both workstations, close it through its confirmation page.
    # A year is evaluated after it ends, on the periods that ended (issue 15): time moves as in step 9 — both were
    # recognised on 1 October of last year, and 张伟's two accepted reports were held in its fourth quarter.
    last_year = today.year - 1
    Workstation.objects.filter(lead_mentor_name__in=["张伟", "李强"]).update(certified_on=dt.date(last_year, 10, 1))
    zhang.reports.update(held_on=dt.date(last_year, 11, 16))
    staff_page.goto(f"{url}/workstations/evaluations/new/")
    staff_page.fill("#id_year", str(last_year))
    submit(staff_page, "main form button[type=submit]")
    for n in range(2):
        staff_page.locator("[data-testid=results] tbody tr").nth(n).locator("a", has_text="评分").click()
        staff_page.fill("#id_score_item1", "14")
        staff_page.fill("#id_score_item2", "18")  # 工作成效 is computed from the records (issue 18)
        submit(staff_page, "[data-testid=score-submit]")
    staff_page.click("[data-testid=close-link]")
    consequences = staff_page.inner_text("[data-testid=close-consequences]")
    assert "李强" in consequences and "整改" in consequences  # 李强 reported nothing: graded fail, to rectify
    screenshot(staff_page, "evaluation-close-confirm")
    submit(staff_page, "[data-testid=close-confirm]")
    assert staff_page.locator("[data-testid=results] tbody tr .badge").count() == 2  # both graded
    for lead in ("张伟", "李强"):
        row = staff_page.locator("[data-testid=results] tbody tr", has_text=lead).inner_text()
        assert "14.0" in row and "18.0" in row
    screenshot(staff_page, "evaluation-closed")

    # 13. The host unit applies to exit; staff confirm, issuing the numbered document.
    host.goto(f"{url}/workstations/{zhang.pk}/")
    host.click("[data-testid=exit-request-link]")
    host.fill("textarea[name=reason]", "领办导师工作调动，本单位申请注销工作室。")
    host.set_input_files(
        "input[name=signature_page]",
        {"name": "注销申请.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("Exit request")},
    )
    submit(host, "[data-testid=exit-request-submit]")
    screenshot(host, "exit-requested")
    staff_page.goto(f"{url}/workstations/exits/")
    staff_page.click(f"text={ZHANG}")
    submit(staff_page, "[data-testid=exit-confirm]")  # 确认并发文: the number, the date, then the preview
    submit(staff_page, "[data-testid=exit-preview]")
    assert staff_page.inner_text("[data-testid=preview-number]").strip() == (
        f"平人社〔{today.year}〕{11 if today.year == 2026 else 2}号"
    )
    screenshot(staff_page, "exit-preview")
    submit(staff_page, "[data-testid=exit-confirm-issue]")
    assert staff_page.inner_text("[data-testid=exit-status]").strip() == "已确认"
    assert staff_page.locator("[data-testid=exit-document]").is_visible()
    screenshot(staff_page, "exit-confirmed")
    assert state_of("张伟") not in (State.ACTIVE, State.RECTIFYING)

    # 14. The public directory shows the change.
    public.goto(f"{url}/public/workstations/")
    directory = public.inner_text("[data-testid=directory]")
    assert ZHANG not in directory and LI in directory
    exits = public.inner_text("[data-testid=directory-exits]")
    zhang.refresh_from_db()
    document = zhang.exit_cases.get().document
    assert ZHANG in exits and document.number in exits and "注销" in exits
    screenshot(public, "directory-after-exit")
