"""The review pages as each role sees them (Art. 6(3))."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from review import services
from review.models import Participation, ReviewRound
from tests.review.factories import (
    ExpertProfileFactory,
    close_round,
    draft_round,
    open_round,
    recommended_workstation,
    supervisor_and_one,
)
from tests.support.dbroles import tamper
from workstations.models import State

pytestmark = pytest.mark.django_db


def test_staff_prepare_and_open_a_round_through_the_pages(client, staff, supervisor):
    experts = [ExpertProfileFactory().user for _ in range(5)]
    ws = recommended_workstation(lead="周强")
    client.force_login(staff)
    panel = services.panel_create(name="专家组", members=experts, actor=staff)
    bad = client.post(
        reverse("review:round_create"),
        {
            "panel": panel.pk,
            "title": "第一轮",
            "quorum_numerator": 4,
            "quorum_denominator": 3,
            "quorum_base": "eligible",
            "quorum_comparison": "at_least",
            "pass_numerator": 2,
            "pass_denominator": 3,
            "pass_base": "voted",
            "pass_comparison": "at_least",
            "abstentions_count": "on",
            "min_eligible": 3,
            "key_threshold": 2,
        },
    )
    assert bad.status_code == 200 and "第一轮" in bad.content.decode()  # re-rendered, nothing typed lost
    assert not ReviewRound.objects.exists()
    data = bad.context["form"].data.copy()
    data["quorum_numerator"] = 2
    response = client.post(reverse("review:round_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    review_round = ReviewRound.objects.get()
    assert response.url == reverse("review:round_candidates", args=[review_round.pk])
    client.post(reverse("review:round_candidates", args=[review_round.pk]), {"workstations": [ws.pk]})
    page = client.get(reverse("review:round_detail", args=[review_round.pk])).content.decode()
    assert "周强" in page and "2/3" in page
    # 开始投票 is a page that states the consequence first (issue 15 item 5); the POST opens.
    confirm = client.get(reverse("review:round_open", args=[review_round.pk])).content.decode()
    assert 'data-testid="open-consequence"' in confirm and "5" in confirm
    ws.refresh_from_db()
    assert ws.state == State.QUALIFIED  # passed the city's 资格审查 (issue 16), not yet under review
    client.post(reverse("review:round_open", args=[review_round.pk]))
    ws.refresh_from_db()
    assert ws.state == State.UNDER_REVIEW
    assert all(e.notifications.exists() for e in experts)


def test_expert_votes_with_a_confirmation_and_gets_a_receipt_once(client, staff):
    review_round, experts, [cand] = open_round(staff, experts=3)
    client.force_login(experts[0])
    page = client.get(reverse("review:candidate_detail", args=[review_round.pk, cand.pk]))
    assert page.context["can_vote"]
    confirm = client.post(reverse("review:ballot_confirm", args=[review_round.pk, cand.pk]), {"choice": "disapprove"})
    assert 'value="disapprove" checked' in confirm.content.decode()
    assert not Participation.objects.exists()  # nothing is cast before the confirmation
    cast = client.post(reverse("review:ballot_cast", args=[review_round.pk, cand.pk]), {"choice": "disapprove"})
    assert cast.context["code"] in cast.content.decode()
    assert "no-store" in cast["Cache-Control"]
    again = client.post(
        reverse("review:ballot_cast", args=[review_round.pk, cand.pk]), {"choice": "approve"}, follow=True
    )
    assert "已" in again.content.decode() or "already" in again.content.decode()
    assert Participation.objects.count() == 1


def test_recused_expert_cannot_see_the_ballot_form(client, staff, host_unit):
    colleague = ExpertProfileFactory(employer=host_unit).user
    others = [ExpertProfileFactory().user for _ in range(2)]
    ws = recommended_workstation(host_unit=host_unit)
    review_round, _e, [cand] = open_round(staff, experts_list=[colleague, *others], workstations=[ws])
    client.force_login(colleague)
    assert client.get(reverse("review:candidate_detail", args=[review_round.pk, cand.pk])).status_code == 404
    response = client.post(reverse("review:ballot_confirm", args=[review_round.pk, cand.pk]), {"choice": "approve"})
    assert response.status_code == 404
    detail = client.get(reverse("review:round_detail", args=[review_round.pk])).content.decode()
    assert 'data-testid="recused"' in detail


def test_other_roles_and_outsiders_are_kept_out(client, staff, host_user, clerk):
    review_round, _experts, [cand] = open_round(staff, experts=3)
    outsider = ExpertProfileFactory().user
    for user in (host_user, clerk):
        client.force_login(user)
        assert client.get(reverse("review:round_list")).status_code == 403
        assert client.get(reverse("review:round_detail", args=[review_round.pk])).status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("review:round_detail", args=[review_round.pk])).status_code == 404
    assert client.get(reverse("review:candidate_detail", args=[review_round.pk, cand.pk])).status_code == 404
    client.force_login(staff)
    response = client.post(reverse("review:ballot_cast", args=[review_round.pk, cand.pk]), {"choice": "approve"})
    assert response.status_code == 403


def test_supervisor_sees_attendance_but_no_choices_while_open(client, staff, supervisor):
    review_round, experts, [cand] = open_round(staff, experts=3)
    services.ballot_cast(candidate=cand, choice="approve", actor=experts[0])
    services.ballot_cast(candidate=cand, choice="disapprove", actor=experts[1])
    client.force_login(supervisor)
    page = client.get(reverse("review:round_oversight", args=[review_round.pk])).content.decode()
    assert page.count("✓") == 2
    assert 'data-testid="tally"' not in page  # no counts of choices while open
    detail = client.get(reverse("review:round_detail", args=[review_round.pk])).content.decode()
    assert 'data-testid="ballots-count">2<' in detail
    assert client.post(reverse("review:round_close", args=[review_round.pk])).status_code == 403
    # Staff cannot close without the key holders' shares either.
    client.force_login(staff)
    refused = client.post(reverse("review:round_close", args=[review_round.pk]), {"reason": "x"})
    assert refused.status_code == 200 and 'data-testid="close-problem"' in refused.content.decode()
    assert ReviewRound.objects.get(pk=review_round.pk).is_open


@pytest.mark.django_db(transaction=True)  # the administrator's separate connection must see the ballots
def test_supervisor_recounts_and_expert_checks_receipt(client, staff, supervisor):
    review_round, experts, [cand] = open_round(staff, experts=3)
    code = services.ballot_cast(candidate=cand, choice="approve", actor=experts[0])
    services.ballot_cast(candidate=cand, choice="approve", actor=experts[1])
    close_round(review_round, staff)
    client.force_login(supervisor)
    page = client.post(reverse("review:round_recount", args=[review_round.pk])).content.decode()
    assert 'data-testid="recount-result"' in page and "alert-success" in page
    shares = "\n".join(supervisor_and_one(review_round))
    opened = client.post(reverse("review:round_recount", args=[review_round.pk]), {"shares": shares})
    assert opened.context["recount"].opened and "alert-success" in opened.content.decode()
    tamper("UPDATE review_ballot SET choice = 'disapprove'")  # the administrator, guards off (issue 14)
    page = client.post(reverse("review:round_recount", args=[review_round.pk])).content.decode()
    assert "alert-danger" in page
    client.force_login(experts[0])
    response = client.post(reverse("review:receipt_check", args=[review_round.pk]), {"code": code})
    assert 'data-testid="receipt-result"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert code not in response.content.decode()


def test_results_page_and_sheets(client, staff, supervisor):
    review_round, experts, [cand] = open_round(staff, experts=3)
    for e in experts:
        services.ballot_cast(candidate=cand, choice="approve", actor=e)
    close_round(review_round, staff)
    client.force_login(supervisor)
    page = client.get(reverse("review:round_results", args=[review_round.pk])).content.decode()
    assert cand.workstation.name in page
    xlsx = client.get(reverse("review:round_results_xlsx", args=[review_round.pk]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert [1, cand.workstation.name, cand.workstation.host_unit.name, 3, 3, 3, 3, 0, 0, "通过"] in rows
    pdf = client.get(reverse("review:round_results_pdf", args=[review_round.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_round_list_query_count_is_pinned(client, staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("review:round_list"))
        return len(ctx.captured_queries), response

    draft_round(staff, experts=2, candidates=2)
    one, _r = count_queries()
    for _ in range(3):
        draft_round(staff, experts=2, candidates=2)
    four, response = count_queries()
    assert four == one <= 10  # one query for the rounds, however many there are
    assert response.content.decode().count("第一轮评审") == 4


def test_expert_home_panel_lists_waiting_ballots(client, staff):
    review_round, experts, _c = open_round(staff, experts=3, candidates=2)
    client.force_login(experts[0])
    page = client.get(reverse("home")).content.decode()
    assert review_round.title in page
