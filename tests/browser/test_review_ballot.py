"""Three experts vote (one recused from a candidate), staff close the round, the supervisor verifies the tally and an
expert checks the receipt (issue 4)."""

import pytest

from review import services
from tests import factories
from tests.review.factories import ExpertProfileFactory, recommended_workstation, take_shares
from workstations.models import State, Workstation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def cast(page, base, lead, choice):
    page.goto(base)
    page.click(f"[data-testid=candidate-{lead}] [data-testid=vote-link]")
    page.check(f"input[name=choice][value={choice}]")
    page.click("[data-testid=ballot-next]")
    page.click("[data-testid=ballot-cast]")
    return page.inner_text("[data-testid=receipt-code]").strip()


def test_three_experts_vote_staff_close_supervisor_verifies_expert_checks_receipt(
    login, live_server, screenshot, staff, supervisor, host_unit
):
    other_host = factories.HostUnitFactory()
    a, b = ExpertProfileFactory().user, ExpertProfileFactory().user
    c = ExpertProfileFactory(employer=other_host).user  # works for 李强's host unit: recused from it
    x = recommended_workstation(host_unit=host_unit, lead="王芳")
    y = recommended_workstation(host_unit=other_host, lead="李强")
    panel = services.panel_create(name="评审专家组", members=[a, b, c], actor=staff)
    review_round = services.round_create(panel=panel, title="浏览器测试评审", actor=staff, min_eligible=2)
    services.round_set_candidates(review_round=review_round, workstations=[x, y], actor=staff)
    review_round = services.round_open(review_round=review_round, actor=staff)
    shares = take_shares(review_round)  # issue 13: the key holders took their shares (the supervisor and staff)
    base = f"{live_server.url}/review/rounds/{review_round.pk}/"

    page_a = login(a)
    receipt_a = cast(page_a, base, "王芳", "approve")
    screenshot(page_a, "receipt")
    cast(page_a, base, "李强", "approve")
    page_b = login(b)
    cast(page_b, base, "王芳", "approve")
    cast(page_b, base, "李强", "disapprove")
    page_c = login(c)
    cast(page_c, base, "王芳", "disapprove")
    page_c.goto(base)
    assert page_c.locator("[data-testid=candidate-李强] [data-testid=recused]").is_visible()
    assert page_c.locator("[data-testid=candidate-李强] [data-testid=vote-link]").count() == 0
    screenshot(page_c, "recused")

    staff_page = login(staff)
    staff_page.goto(base)
    assert staff_page.inner_text("[data-testid=candidate-王芳] [data-testid=ballots-count]") == "3"
    assert staff_page.inner_text("[data-testid=candidate-李强] [data-testid=ballots-count]") == "2"
    staff_page.click("[data-testid=close-round]")
    staff_page.wait_for_load_state()
    # The close is the key holders' ceremony: they type their shares.
    for kh in review_round.key_holders.select_related("holder"):
        staff_page.fill(f"input[name=share_{kh.pk}]", shares[kh.holder.username])
    staff_page.click("[data-testid=close-round-confirm]")
    staff_page.wait_for_load_state()
    assert "已结束" in staff_page.inner_text("[data-testid=round-status]")
    # 王芳: 2 of 3 approve (2/3 以上) passes; 李强: 1 of 2 fails.
    assert staff_page.inner_text("[data-testid=candidate-王芳] [data-testid=outcome]").strip() == "通过"
    assert staff_page.inner_text("[data-testid=candidate-李强] [data-testid=outcome]").strip() == "未通过"
    screenshot(staff_page, "closed")
    assert Workstation.objects.get(pk=x.pk).state == State.REVIEW_PASSED
    assert Workstation.objects.get(pk=y.pk).state == State.REVIEW_FAILED

    sup = login(supervisor)
    sup.goto(f"{base}oversight/")
    assert "✓" in sup.inner_text("[data-testid=attendance]")
    sup.click("[data-testid=recount]")
    sup.wait_for_load_state()
    result = sup.inner_text("[data-testid=recount-result]")
    assert "一致" in result and "不一致" not in result
    assert review_round.__class__.objects.get(pk=review_round.pk).result_hash in result
    screenshot(sup, "recount")

    page_a.goto(f"{base}receipt/")
    page_a.fill("input[name=code]", receipt_a)
    page_a.click("[data-testid=receipt-submit]")
    checked = page_a.inner_text("[data-testid=receipt-result]")
    # Inclusion, never content (issue 13).
    assert "王芳" in checked and "计入" in checked and "赞成" not in checked
    screenshot(page_a, "receipt-checked")
