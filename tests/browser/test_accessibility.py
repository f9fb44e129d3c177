"""Every role's main pages at phone and desk widths: no axe-core violation (WCAG 2.1 A and AA), none wider than the
screen (issue 19).

The pages are not listed by hand: for each demo login the test follows every link of the navigation menu, the public
entries of the home page, and the first link of each page's tables (the detail page a person opens next), so a page
added later is checked without anyone remembering to add it here. axe-core comes from its maintained PyPI package
(axe-playwright-python), not a copy in the repository.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from portal.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
# One login per role of the demo world (portal.demo), and the anonymous visitor.
ROLES = ["anon", "staff", "xinhua", "hncj", "host1", "expert1", "jijian", "auditor"]
WIDTHS = [390, 1280]
SKIP = (".pdf", ".xlsx", "/download/", "/logout/")


def _links(page, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
    return [h for h in dict.fromkeys(hrefs) if h and h.startswith("/") and not h.endswith(SKIP) and "/file" not in h]


def _pages_of(page, live_server) -> list[str]:
    page.goto(f"{live_server.url}/")
    main = ["/", *_links(page, "nav .nav-link, nav .dropdown-item, [data-testid=public-entries] a")]
    details = []
    for path in main:
        page.goto(f"{live_server.url}{path}")
        details += [d for d in _links(page, "main table a")[:1] if d not in main and d not in details]
    return main + details


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.fixture
def demo_world(transactional_db):
    call_command("seed_demo", "--quiet-logins")


@pytest.mark.parametrize("username", ROLES)
def test_main_pages_have_no_accessibility_violation_and_fit_a_phone(
    browser, live_server, demo_world, axe, screenshot, username
):
    problems = []
    for width in WIDTHS:
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        if username != "anon":
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("[data-testid=login-submit]")
            page.wait_for_load_state()
        paths = _pages_of(page, live_server)
        assert len(paths) >= 3, paths  # the crawl really reached the role's pages
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status < 400, (path, response.status)
            result = axe.run(page, options=WCAG)
            for violation in result.response["violations"]:
                targets = [node["target"] for node in violation["nodes"][:3]]
                problems.append(f"{width}px {path}: {violation['id']} {targets}")
            if width == 390:
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > width:
                    problems.append(f"{width}px {path}: page is {scroll_width}px wide")
        screenshot(page, f"{username}-{width}")
        context.close()
    assert not problems, "\n".join(problems)
