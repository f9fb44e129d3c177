"""Issue 13 (and issue 15 item 5 for rounds): the close is a key holders' ceremony, no side channel tells a choice,
undecided candidates show no counts, receipts prove inclusion only; the open/close confirmation pages state the
consequence in numbers; a round that never opened can be deleted."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from review import services
from review.models import ReviewRound, RoundEvent, RoundKeyHolder
from review.rules import Choice, Outcome
from tests import factories
from tests.review.factories import (
    SHARES,
    ExpertProfileFactory,
    close_round,
    draft_round,
    open_round,
    supervisor_and_one,
)
from tests.support.dbroles import tamper

pytestmark = pytest.mark.django_db

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
CODE = re.compile(rb'data-testid="receipt-code">[^<]+<')


def _normalised(response) -> bytes:
    """The body with the per-response CSRF token (random, fixed length) and receipt code (random) blanked."""
    return CODE.sub(b"CODE", CSRF.sub(b"CSRF", response.content))


def _headers(response) -> dict:
    """The headers but the session cookie, with ``Expires`` (``never_cache``: the moment of the response, which moves
    on between two requests on a loaded machine) reduced to its presence."""
    headers = {k: v for k, v in response.headers.items() if k.lower() != "set-cookie"}
    if "Expires" in headers:
        headers["Expires"] = "<the response's moment>"
    return headers


def test_every_choice_gives_byte_identical_responses_on_the_voting_path(client, staff):
    # Names of the same length, so that only the choice could make the pages differ.
    experts = [ExpertProfileFactory(user__username=f"byte-{i}", user__full_name=f"专家{i}").user for i in range(3)]
    review_round, experts, [cand] = open_round(staff, experts_list=experts)
    confirms, casts = [], []
    for expert, choice in zip(experts, Choice.values, strict=True):
        client.force_login(expert)
        args = [review_round.pk, cand.pk]
        confirms.append(client.post(reverse("review:ballot_confirm", args=args), {"choice": choice}))
        casts.append(client.post(reverse("review:ballot_cast", args=args), {"choice": choice}))
    for responses in (confirms, casts):
        assert {r.status_code for r in responses} == {200}
        assert len({len(r.content) for r in responses}) == 1, [len(r.content) for r in responses]
        assert len({repr(sorted(_headers(r).items())) for r in responses}) == 1
    # The confirmation pages differ only in which of the three listed choices carries `checked` (and in the name of
    # the logged-in expert in the page header).
    bodies = [_normalised(r).replace(str(e).encode(), b"USER") for r, e in zip(confirms, experts, strict=True)]
    assert bodies[0] != bodies[1] and len({b.replace(b" checked", b"") for b in bodies}) == 1
    assert len({_normalised(r).replace(str(e).encode(), b"USER") for r, e in zip(casts, experts, strict=True)}) == 1


def test_a_receipt_typed_by_another_expert_reads_like_a_typo(client, staff):
    review_round, experts, [cand] = open_round(staff, experts=7)
    codes = [services.ballot_cast(candidate=cand, choice=Choice.APPROVE, actor=e) for e in experts[:6]]
    close_round(review_round, staff)
    client.force_login(experts[0])
    url = reverse("review:receipt_check", args=[review_round.pk])
    own = client.post(url, {"code": codes[0]})
    assert 'data-testid="receipt-result"' in own.content.decode() and cand.workstation.name in own.content.decode()
    others = client.post(url, {"code": codes[1]})
    typo = client.post(url, {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert _normalised(others) == _normalised(typo)
    assert cand.workstation.name not in others.content.decode()
    # Never the choice, not even to its holder.
    for label in ("赞成", "Approve", "approve"):
        assert label not in own.content.decode().split('data-testid="receipt-result"')[1].split("</div>")[0]
    # The expert who never voted learns nothing from a colleague's code either.
    client.force_login(experts[6])
    assert _normalised(client.post(url, {"code": codes[1]})) == _normalised(client.post(url, {"code": "x" * 16}))


def test_staff_alone_cannot_close(staff, staff2, supervisor):
    review_round, experts, [cand] = draft_round(staff, experts=5)
    services.round_update_rule(
        review_round=review_round, actor=staff, key_holders=[supervisor, staff, staff2], **review_round.rule.as_dict()
    )
    review_round = services.round_open(review_round=review_round, actor=staff)
    from tests.review.factories import take_shares

    codes = take_shares(review_round)
    for e in experts:
        services.ballot_cast(candidate=cand, choice=Choice.APPROVE, actor=e)
    with pytest.raises(services.ReviewError):
        services.round_close(review_round=review_round, actor=staff, shares=[])
    with pytest.raises(services.ReviewError, match=r"supervisor|纪检|监督"):
        services.round_close(review_round=review_round, actor=staff, shares=[codes["staff"], codes[staff2.username]])
    with pytest.raises(services.ReviewError):
        services.round_close(review_round=review_round, actor=staff, shares=[codes["supervisor"]])  # below threshold
    assert ReviewRound.objects.get(pk=review_round.pk).is_open
    # The supervisor's share and one of staff's (a lost one is covered by the threshold) open the box.
    services.round_close(review_round=review_round, actor=staff, shares=[codes["supervisor"], codes[staff2.username]])
    cand.refresh_from_db()
    assert (cand.outcome, cand.approve) == (Outcome.PASSED, 5)


def test_a_share_is_handed_out_once_and_voting_waits_for_every_holder(client, staff, supervisor):
    review_round, experts, [cand] = draft_round(staff, experts=5)
    review_round = services.round_open(review_round=review_round, actor=staff)
    with pytest.raises(services.ReviewError):
        services.ballot_cast(candidate=cand, choice=Choice.APPROVE, actor=experts[0])
    client.force_login(supervisor)
    url = reverse("review:key_share", args=[review_round.pk])
    shown = client.post(url)
    code = shown.context["code"]
    assert code in shown.content.decode() and "no-store" in shown["Cache-Control"]
    assert not RoundKeyHolder.objects.get(round=review_round, holder=supervisor).pending_share
    again = client.post(url, follow=True).content.decode()
    assert code not in again and 'data-testid="share-taken"' in again
    services.key_share_take(review_round=review_round, actor=staff)
    services.ballot_cast(candidate=cand, choice=Choice.APPROVE, actor=experts[0])
    # Someone who holds no share gets none.
    client.force_login(factories.UserFactory(organisation=staff.organisation))
    assert client.post(url).status_code == 403


def test_failed_quorum_and_voided_candidates_show_no_counts(client, staff, supervisor):
    review_round, experts, [a, b, c] = open_round(staff, experts=7, candidates=3)
    services.ballot_cast(candidate=a, choice=Choice.DISAPPROVE, actor=experts[0])  # 1 of 7: no quorum
    for e in experts:
        services.ballot_cast(candidate=b, choice=Choice.APPROVE, actor=e)
        services.ballot_cast(candidate=c, choice=Choice.DISAPPROVE, actor=e)
    services.recusal_record(review_round=review_round, candidate=c, expert=experts[6], reason="亲属", actor=staff)
    close_round(review_round, staff)
    a.refresh_from_db()
    c.refresh_from_db()
    assert (a.outcome, a.ballots_cast, a.approve, a.disapprove, a.abstain) == (Outcome.NO_QUORUM, 1, 0, 0, 0)
    assert (c.outcome, c.approve, c.disapprove) == (Outcome.VOIDED, 0, 0)
    for user in (staff, supervisor, experts[0]):
        client.force_login(user)
        for name in ("review:round_results", "review:round_detail"):
            page = client.get(reverse(name, args=[review_round.pk])).content.decode()
            assert page.count('data-testid="counts-withheld"') == 2, (user, name)
    client.force_login(supervisor)
    page = client.get(reverse("review:round_oversight", args=[review_round.pk])).content.decode()
    tally = page.split('data-testid="tally"')[1].split("</table>")[0]
    assert tally.count("counts-withheld") == 2 and "<td>7</td>" in tally  # b's counts are shown


def test_close_page_states_the_consequence_in_numbers_and_an_early_close_needs_a_reason(client, staff, supervisor):
    review_round, experts, [cand] = open_round(staff, experts=7, min_eligible=5)
    ReviewRound.objects.filter(pk=review_round.pk).update(closes_at=timezone.now() + timedelta(days=1))
    for e in experts[:2]:
        services.ballot_cast(candidate=cand, choice=Choice.APPROVE, actor=e)
    client.force_login(staff)
    url = reverse("review:round_close", args=[review_round.pk])
    page = client.get(url).content.decode()
    line = page.split('data-testid="close-line"')[1].split("</li>")[0]
    # "7 名专家中已有 2 名投票，法定人数为 5 名：现在结束将因人数不足而不产生结果"
    assert "7" in line and "2" in line and "5" in line
    data = {f"share_{kh.pk}": SHARES[review_round.pk][kh.holder.username] for kh in review_round.key_holders.all()}
    refused = client.post(url, data)
    assert refused.status_code == 200 and ReviewRound.objects.get(pk=review_round.pk).is_open
    # The typed shares are not echoed back into the page.
    assert not any(code in refused.content.decode() for code in SHARES[review_round.pk].values())
    client.post(url, {**data, "reason": "专家因公出差，经请示提前结束"})
    closed = ReviewRound.objects.get(pk=review_round.pk)
    assert closed.is_closed and closed.early_close_reason.startswith("专家因公出差")
    assert RoundEvent.objects.filter(round=closed, kind=RoundEvent.Kind.CLOSED_EARLY).exists()
    client.force_login(supervisor)
    oversight = client.get(reverse("review:round_oversight", args=[closed.pk])).content.decode()
    assert 'data-testid="early-close"' in oversight and "专家因公出差" in oversight
    # The next action after the failed quorum is a link to a page (重新评审), not plain text.
    client.force_login(staff)
    detail = client.get(reverse("review:round_detail", args=[closed.pk])).content.decode()
    requeue = reverse("review:candidate_requeue", args=[closed.pk, cand.pk])
    assert f'href="{requeue}"' in detail
    assert client.get(requeue).status_code == 200
    # ... and so is "重新评审" among the workstation's next steps.
    ws_page = client.get(reverse("workstations:detail", args=[cand.workstation_id])).content.decode()
    assert f'href="{requeue}"' in ws_page
    client.post(requeue, {"reason": "未达到法定人数，另行组织评审"})
    cand.refresh_from_db()
    assert cand.requeued_at is not None


def test_a_close_on_time_needs_no_reason(staff, supervisor):
    review_round, experts, [cand] = open_round(staff, experts=5)
    for e in experts:
        services.ballot_cast(candidate=cand, choice=Choice.ABSTAIN, actor=e)
    services.round_close(review_round=review_round, actor=staff, shares=supervisor_and_one(review_round))
    closed = ReviewRound.objects.get(pk=review_round.pk)
    assert closed.is_closed and not closed.early_close_reason


def test_a_round_that_never_opened_can_be_deleted_after_a_confirmation(client, staff, supervisor):
    review_round, _experts, [cand] = draft_round(staff, experts=5)
    client.force_login(staff)
    url = reverse("review:round_delete", args=[review_round.pk])
    page = client.get(url).content.decode()
    assert cand.workstation.name in page and 'data-testid="delete-consequence"' in page
    assert ReviewRound.objects.filter(pk=review_round.pk).exists()
    assert client.post(url).status_code == 302
    assert not ReviewRound.objects.filter(pk=review_round.pk).exists()
    # The candidate is free for another round; an opened round cannot be deleted.
    opened, _e, _c = open_round(staff, experts=5, workstations=[cand.workstation])
    with pytest.raises(services.ReviewError):
        services.round_delete(review_round=opened, actor=staff)
    client.post(reverse("review:round_delete", args=[opened.pk]))
    assert ReviewRound.objects.filter(pk=opened.pk).exists()


def test_open_page_states_the_consequence_before_anything_moves(client, staff, supervisor):
    review_round, _experts, _cands = draft_round(staff, experts=6)
    client.force_login(staff)
    page = client.get(reverse("review:round_open", args=[review_round.pk])).content.decode()
    consequence = page.split('data-testid="open-consequence"')[1].split("</div>")[0]
    assert "6" in consequence and str(supervisor) in page
    assert ReviewRound.objects.get(pk=review_round.pk).is_draft


@pytest.mark.django_db(transaction=True)  # the administrator's separate connection must see the ballots
def test_a_round_closed_before_sealed_ballots_still_recounts(staff, supervisor):
    """Rounds closed before issue 13 keep their old result record (its hash is on the signed sheet); the migration
    moves their receipt hashes to the receipt table and the re-count verifies them in the old format."""
    import json

    from review.models import Ballot, Receipt
    from review.records import canonical_json, sha256_hex

    review_round, experts, [cand] = open_round(staff, experts=5)
    for e in experts:
        services.ballot_cast(candidate=cand, choice=Choice.APPROVE, actor=e)
    close_round(review_round, staff)
    review_round.refresh_from_db()
    record = json.loads(review_round.result_record)
    receipts = sorted(Receipt.objects.values_list("receipt_hash", flat=True))
    choices = [b.choice for b in Ballot.objects.all()]
    record.pop("receipts")
    for c in record["candidates"]:
        c.pop("voted", None)
    record["ballots"] = [
        {"receipt_hash": h, "candidate": cand.pk, "choice": ch} for h, ch in zip(receipts, choices, strict=True)
    ]
    text = canonical_json(record)
    ReviewRound.objects.filter(pk=review_round.pk).update(result_record=text, result_hash=sha256_hex(text))
    # Old-format ballots have no envelope; the administrator rewrites them with the append-only guards off (issue 14).
    tamper(("UPDATE review_ballot SET envelope = %s", [b""]))
    assert services.round_recount(review_round=review_round, actor=supervisor).matches
    tamper(
        ("UPDATE review_ballot SET choice = %s WHERE id = (SELECT id FROM review_ballot LIMIT 1)", [Choice.DISAPPROVE])
    )
    assert not services.round_recount(review_round=review_round, actor=supervisor).matches
