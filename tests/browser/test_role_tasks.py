"""Every role finishes its core task first time, from its home page, on a phone as on a desk (issue 19).

Each test logs in through the real login form (the visitor clicks 登录 on the public home), then reaches and finishes
the role's task only by clicking what a newcomer sees: the cards of "What waits for you", links, buttons and the
menu (on a phone behind the menu button, as a person opens it). No address is typed after the login. The data
around the task is built with the factories and services; only the task under test goes through the pages.

Half the roles work at phone width (390 px), half at desk width (1280 px). At phone width every step's page must
also fit the screen: a button that is off to the side is a button a person does not find.
Screenshots: ``artifacts/screenshots/test_role_tasks-<role>-NN-<step>.png`` (see the README).
"""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from applications import services as application_services
from applications.models import Application
from applications.samples import png_bytes
from portal.workdays.models import CalendarDay
from review.publicity import forms as publicity_forms
from review.publicity.services import publicity_publish
from review.services.voting import ballot_cast
from subsidies.services.audits import audit_assign
from tests import factories
from tests.applications.factories import CallFactory, QuotaFactory, make_application
from tests.browser.conftest import PASSWORD, SCREENSHOTS
from tests.review.factories import ExpertProfileFactory, open_round, recommended_workstation
from tests.review.publicity.conftest import published_in_the_past
from tests.subsidies.factories import grant, operating_workstation, spend
from workstations.models import State, Workstation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE, DESK = 390, 1280
both_widths = pytest.mark.parametrize("width", [PHONE, DESK], ids=["phone", "desk"])


# Text a phone squeezes into a column one or two characters wide (a heading read one character per line).
SQUEEZED = """() => [...document.querySelectorAll("main *")].filter(el => {
  if (el.closest("thead, .visually-hidden")) return false;
  const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent.trim()).join("");
  const box = el.getBoundingClientRect(), size = parseFloat(getComputedStyle(el).fontSize);
  return text.length >= 3 && box.right > 0 && box.width > 0 && box.width < 2.5 * size && box.height > 2.5 * size;
}).map(el => el.tagName + ": " + el.textContent.trim().slice(0, 20))"""


class Visit:
    """One person in their own browser context at one width, with numbered screenshots of their steps."""

    def __init__(self, browser, live_server, role: str, width: int):
        self.url = live_server.url
        self.role = role
        self.width = width
        self.context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.step = 0

    def shot(self, label: str) -> None:
        """A screenshot of the step; at phone width the page must fit the screen and no text be squeezed."""
        self.step += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = f"test_role_tasks-{self.role}-{self.width}-{self.step:02d}-{label}.png"
        self.page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
        if self.width == PHONE:
            wide = self.page.evaluate("document.documentElement.scrollWidth")
            assert wide <= PHONE, f"{label}: the page is {wide}px wide on a {PHONE}px phone"
            squeezed = self.page.evaluate(SQUEEZED)
            assert not squeezed, f"{label}: text squeezed to a character per line: {squeezed}"

    def click(self, locator) -> None:
        """Click what the person sees: it must be visible, and inside the screen's width."""
        locator.scroll_into_view_if_needed()
        assert locator.is_visible()
        box = locator.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= self.width + 1, f"off screen: {box}"
        locator.click()
        self.page.wait_for_load_state()

    def menu(self, *labels: str) -> None:
        """Open the navigation menu as a person does (the menu button on a phone) and follow ``labels``."""
        page = self.page
        toggler = page.locator(".navbar-toggler")
        if toggler.is_visible():
            toggler.click()
            page.locator("#nav.show").wait_for()
        for label in labels:
            self.click(page.locator("#nav").get_by_text(label, exact=True))

    def card(self, title) -> None:
        """Follow a link in the home page's "What waits for you" cards."""
        self.click(self.page.locator("[data-testid=panels]").get_by_role("link", name=title).first)

    def main(self) -> str:
        return self.page.inner_text("main")

    def log_in(self, user) -> None:
        page = self.page
        page.goto(f"{self.url}/")  # the only address a person types: the portal's own
        self.click(page.get_by_role("link", name="登录").first)
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        self.click(page.locator("[data-testid=login-submit]"))
        assert page.locator("[data-testid=home-title]").is_visible()


@pytest.fixture
def visit(browser, live_server):
    visits = []

    def start(role: str, width: int, user=None) -> Visit:
        v = Visit(browser, live_server, role, width)
        visits.append(v)
        if user is not None:
            v.log_in(user)
        return v

    yield start
    for v in visits:
        v.context.close()


@pytest.fixture
def working_days():
    """The seeded calendar ends with 2026: keep windows and deadlines computable after that."""
    today = timezone.localdate()
    for offset in range(-30, 40):
        day = today + dt.timedelta(days=offset)
        CalendarDay.objects.get_or_create(date=day, defaults={"is_working_day": day.weekday() < 5})


def submitted_application(host_unit, call, *, recommender=None, lead=None):
    """A complete application, submitted by its host unit through the service."""
    application = make_application(host_unit=host_unit, call=call, lead=lead)
    if recommender is not None:
        Application.objects.filter(pk=application.pk).update(recommender=recommender)
        Workstation.objects.filter(pk=application.workstation_id).update(recommender=recommender)
        application.refresh_from_db()
    host_user = factories.UserFactory(organisation=host_unit)
    return application_services.application_submit(application=application, actor=host_user)


def state_of(application) -> str:
    return Workstation.objects.get(pk=application.workstation_id).state


# --- host unit (phone) -------------------------------------------------------------------------------------------


@both_widths
def test_host_unit_starts_an_application_and_saves_a_draft(width, visit, working_days, host_user, host_unit):
    call = CallFactory(title="2026年度大众创业指导大师工作室认定申报")
    QuotaFactory(call=call, recommender=host_unit.county)

    v = visit("host", width, host_user)
    v.shot("home")
    v.card(re.compile(call.title))
    assert call.title in v.main()
    v.shot("call")
    v.click(v.page.locator("[data-testid=start-application]"))
    v.page.fill("#id_unit_profile", "本基地是市级创业孵化示范基地，入驻企业86家。")
    v.page.fill("#id_address", "平顶山市新华区建设路1号")
    v.page.fill("#id_contact_person", "李主任")
    v.page.fill("#id_contact_phone", "13812345678")
    v.shot("first-step")
    v.click(v.page.locator("[data-testid=save-stay]"))
    assert v.page.input_value("#id_unit_profile") == "本基地是市级创业孵化示范基地，入驻企业86家。"
    v.shot("saved")
    # Back home, the draft waits there to be taken up again.
    v.menu("首页")
    v.card(re.compile("申报草稿"))
    v.shot("drafts")
    application = Application.objects.get(workstation__host_unit=host_unit)
    # The draft opens where the host unit left it, with what remains before it can be submitted.
    v.click(v.page.locator("main").get_by_role("link", name=application.workstation.name).first)
    assert v.page.locator("[data-testid=problems]").is_visible()
    v.shot("draft")
    assert application.unit_profile == "本基地是市级创业孵化示范基地，入驻企业86家。"
    assert state_of(application) == State.DRAFT


@both_widths
def test_host_unit_files_an_activity_report_for_its_workstation(width, visit, working_days, host_user, host_unit):
    ws = operating_workstation(host_unit, lead_mentor_name="赵敏")

    v = visit("host-report", width, host_user)
    v.shot("home")
    v.card(re.compile("运行中"))
    v.click(v.page.locator("main").get_by_role("link", name=ws.name))
    v.shot("workstation")
    v.click(v.page.locator("[data-testid=outcomes-link]"))
    v.shot("outcomes")
    v.click(v.page.locator("[data-testid=new-report-consultation]"))
    v.page.fill("input[name=title]", "区域创业政策咨询会")
    v.page.fill("input[name=held_on]", timezone.localdate().isoformat())
    v.page.fill("input[name=place]", "新华区创业服务中心")
    v.page.fill("input[name=participant_count]", "35")
    v.page.fill("textarea[name=description]", "政策解读与一对一创业指导。")
    v.shot("report-form")
    v.click(v.page.locator("[data-testid=report-submit]"))
    assert "待审核" in v.page.inner_text("[data-testid=report-status]")
    v.shot("report-filed")
    assert ws.reports.get().title == "区域创业政策咨询会"


# --- county bureau clerk (desk) -----------------------------------------------------------------------------------


@both_widths
def test_county_clerk_recommends_within_quota_with_an_opinion(width, visit, working_days, clerk, county, host_unit):
    call = CallFactory(title="2026年度大众创业指导大师工作室认定申报")
    QuotaFactory(call=call, recommender=county, places=1)
    application = submitted_application(host_unit, call)
    name = Workstation.objects.get(pk=application.workstation_id).name

    v = visit("county-clerk", width, clerk)
    assert "名额已用：0 / 1" in v.page.inner_text("[data-testid=panels]")
    v.shot("home")
    v.card(name)
    v.shot("application")
    # Without the opinion the recommendation is refused, in Chinese.
    v.click(v.page.locator("[data-testid=recommend]"))
    assert "推荐意见" in v.main()
    assert state_of(application) == State.SUBMITTED
    v.shot("opinion-missing")
    v.page.fill("#id_opinion", "材料齐全，导师团队符合条件，同意推荐。")
    v.click(v.page.locator("[data-testid=recommend]"))
    assert "已推荐" in v.main()
    v.shot("recommended")
    v.menu("首页")
    assert "名额已用：1 / 1" in v.page.inner_text("[data-testid=panels]")
    assert state_of(application) == State.RECOMMENDED


# --- university recommender (phone) -------------------------------------------------------------------------------


@both_widths
def test_university_recommends_its_own_host_unit(width, visit, working_days, county):
    university = factories.UniversityFactory(name="平顶山学院")
    uni_host = factories.HostUnitFactory(
        county=county, university=university, host_type="university", name="平顶山学院创新创业园"
    )
    uni_clerk = factories.UserFactory(organisation=university, username="uniclerk")
    call = CallFactory(title="2026年度大众创业指导大师工作室认定申报", universities_recommend_own=True)
    QuotaFactory(call=call, recommender=county, places=2)
    QuotaFactory(call=call, recommender=university, places=1)
    application = submitted_application(uni_host, call, recommender=university)
    name = Workstation.objects.get(pk=application.workstation_id).name

    v = visit("university", width, uni_clerk)
    v.shot("home")
    v.card(re.compile(call.title))
    assert name in v.main()
    v.shot("desk")
    v.click(v.page.locator("main").get_by_role("link", name=name).first)
    v.shot("application")
    v.page.fill("#id_opinion", "同意推荐本校创新创业园。")
    v.click(v.page.locator("[data-testid=recommend]"))
    assert "已推荐" in v.main()
    v.shot("recommended")
    assert state_of(application) == State.RECOMMENDED


# --- expert (phone) -----------------------------------------------------------------------------------------------


@both_widths
def test_expert_casts_a_sealed_ballot(width, visit, working_days, staff, supervisor):
    expert = ExpertProfileFactory(user__full_name="周专家").user
    others = [ExpertProfileFactory().user for _ in range(2)]
    candidate = recommended_workstation(lead="王芳")
    review_round, _experts, _candidates = open_round(
        staff, experts_list=[expert, *others], workstations=[candidate], min_eligible=2
    )

    v = visit("expert", width, expert)
    v.shot("home")
    v.card(re.compile(review_round.title))
    v.shot("round")
    v.click(v.page.locator("[data-testid=candidate-王芳] [data-testid=vote-link]"))
    v.page.check("input[name=choice][value=approve]")
    v.shot("choice")
    v.click(v.page.locator("[data-testid=ballot-next]"))
    assert v.page.inner_text("[data-testid=confirm-choice]").strip()
    v.shot("confirm")
    v.click(v.page.locator("[data-testid=ballot-cast]"))
    assert v.page.inner_text("[data-testid=receipt-code]").strip()
    v.shot("receipt")
    # Back home nothing waits any more.
    v.menu("首页")
    assert review_round.title not in v.page.inner_text("[data-testid=panels]")
    v.shot("home-after")


# --- discipline-inspection supervisor (desk) ----------------------------------------------------------------------


@both_widths
def test_supervisor_follows_an_open_round_and_opens_the_audit_trail(width, visit, working_days, staff, supervisor):
    experts = [ExpertProfileFactory(user__full_name=n).user for n in ("周专家", "吴专家", "郑专家")]
    review_round, _experts, candidates = open_round(
        staff, experts_list=experts, workstations=[recommended_workstation(lead="王芳")], min_eligible=2
    )
    ballot_cast(candidate=candidates[0], choice="approve", actor=experts[0])  # one of three has voted

    v = visit("supervisor", width, supervisor)
    v.shot("home")
    v.card(review_round.title)
    # The progress: who has voted (never how), and the ballots counted so far.
    rows = v.page.locator("[data-testid=attendance] tbody tr")
    assert "✓" in rows.filter(has_text="周专家").inner_text()
    assert "✓" not in rows.filter(has_text="吴专家").inner_text()
    assert "赞成" not in v.page.inner_text("[data-testid=attendance]")
    v.shot("oversight")
    v.menu("系统", "审计记录")
    assert v.page.locator("main h1").is_visible()
    v.shot("audit-trail")


# --- city bureau staff (desk) -------------------------------------------------------------------------------------


@both_widths
def test_city_staff_qualify_a_candidate(width, visit, working_days, staff, clerk, county, host_unit):

    call = CallFactory(title="2026年度大众创业指导大师工作室认定申报")
    QuotaFactory(call=call, recommender=county, places=2)
    application = submitted_application(host_unit, call)
    application_services.application_recommend(application=application, actor=clerk, opinion="同意推荐。")
    name = Workstation.objects.get(pk=application.workstation_id).name

    v = visit("city-staff", width, staff)
    v.shot("home")
    v.card(re.compile("已推荐"))
    v.shot("recommended-list")
    v.click(v.page.locator("main").get_by_role("link", name=name))
    v.shot("workstation")
    # The next step the page names is a link to where it is done.
    v.click(v.page.locator("main").get_by_role("link", name="通过资格审查"))
    assert v.page.locator("[data-testid=qualification]").is_visible()
    v.shot("application")
    v.page.fill("#id_people", "王建国、李晓梅")
    v.page.fill("#id_findings", "场地、设备与申报一致。")
    v.page.set_input_files("#id_photos", {"name": "site.png", "mimeType": "image/png", "buffer": png_bytes()})
    v.click(v.page.locator("[data-testid=site-visit-save]"))
    assert "场地、设备与申报一致。" in v.page.inner_text("[data-testid=site-visits]")
    v.shot("site-visit")
    v.click(v.page.locator("[data-testid=qualify]"))
    assert "通过资格审查" in v.main() or "资格审查通过" in v.main()
    v.shot("qualified")
    assert state_of(application) == State.QUALIFIED


# --- auditor (desk) -----------------------------------------------------------------------------------------------


@both_widths
def test_auditor_opens_an_assigned_ledger_and_records_findings(width, visit, working_days, staff, auditor, host_unit):
    ws = operating_workstation(host_unit, lead_mentor_name="赵敏")
    grant(ws, staff)
    entry = spend(ws, factories.UserFactory(organisation=host_unit), "8600.00", description="创业服务骨干培训班讲课费")
    audit_assign(title="2026年度补助资金专项审计", firm=auditor.organisation, ledgers=[ws.ledger], actor=staff)

    v = visit("auditor", width, auditor)
    v.shot("home")
    v.card(ws.name)
    assert "创业服务骨干培训班讲课费" in v.page.inner_text("[data-testid=finding-rows]")
    v.shot("assignment")
    v.page.select_option(f"select[name=verdict_{entry.pk}]", index=1)
    v.page.fill(f"input[name=note_{entry.pk}]", "发票与支出一致。")
    v.click(v.page.locator("[data-testid=findings-save]"))
    assert v.page.locator(f"[data-testid=finding-{entry.pk}]").is_visible()
    v.shot("finding-saved")
    v.page.fill("textarea[name=conclusion]", "账目清楚，支出有据。")
    v.click(v.page.locator("[data-testid=conclude]"))
    assert "账目清楚，支出有据。" in v.page.inner_text("[data-testid=conclusion]")
    v.shot("concluded")


# --- citizen, no login (phone) ------------------------------------------------------------------------------------


@both_widths
def test_citizen_objects_to_a_published_candidate_and_looks_it_up(
    width, visit, working_days, staff, host_unit, monkeypatch
):
    monkeypatch.setattr(publicity_forms, "MIN_FILL_SECONDS", 0)
    cache.clear()
    candidate = factories.WorkstationFactory(host_unit=host_unit, lead_mentor_name="赵敏", state=State.REVIEW_PASSED)
    with published_in_the_past(1):
        publicity_publish(
            workstations=[candidate],
            title="2026年度拟认定大众创业指导大师工作室名单公示",
            intro="拟认定以下工作室，现予以公示。",
            contact_office="市人社局就业促进科",
            contact_phone="0375-2660000",
            actor=staff,
        )

    v = visit("citizen", width)
    v.page.goto(f"{v.url}/")
    v.shot("public-home")
    v.click(v.page.locator("[data-testid=public-entries]").get_by_role("link", name="公示公告"))
    v.shot("notices")
    v.click(v.page.get_by_role("link", name="2026年度拟认定大众创业指导大师工作室名单公示").first)
    assert "赵敏大众创业指导大师工作室" in v.page.inner_text("[data-testid=candidates]")
    v.shot("notice")
    v.click(v.page.locator("[data-testid=object]"))
    v.page.fill("input[name=objector_name]", "陈刚")
    v.page.fill("input[name=objector_phone]", "15937501234")
    v.page.fill("textarea[name=facts]", "该工作室所在孵化基地的场地已于今年转租他用，实际没有固定办公场所。")
    v.shot("objection-form")
    v.click(v.page.locator("[data-testid=objection-submit]"))
    code = v.page.inner_text("[data-testid=tracking-code]").strip()
    assert code
    v.shot("objection-filed")
    v.click(v.page.locator("main").get_by_role("link", name="异议查询").first)
    v.page.fill("input[name=code]", code)
    v.click(v.page.locator("[data-testid=track-submit]"))
    assert v.page.inner_text("[data-testid=track-status]") == "已受理"
    v.shot("tracked")
