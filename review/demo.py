"""Demo data of the review stage: the expert pool's profiles, one panel for the 2025 call, a closed round with its
published tally (the demo workstations in ``review_passed`` and ``review_failed``) and an open round (the one
``under_review``).

The workstations' states and timelines were laid down by ``workstations.demo.lifecycle``; here the
rounds that explain them
are laid down to match, through the same record builders as the services. Idempotent: a round whose title exists
is left as it is.

Ballots are sealed as in production (issue 13). The demo key holders are 郑纪明 (``jijian``, the supervisor), ``staff``
and ``staff2``, two of three. For the demo only, the shares of both demo rounds are written to
``var/demo-key-shares.txt`` (and printed by ``seed_demo``), so that the open round can be closed and the closed one
re-counted in the browser. A real round hands each share out once, on the holder's "My key share" page.
"""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.demo import World
from review import sealing
from review.models import (
    Ballot,
    ExpertProfile,
    Panel,
    Participation,
    Receipt,
    Recusal,
    ReviewRound,
    RoundCandidate,
    RoundEvent,
    RoundExpert,
    RoundKeyHolder,
    StagedBallot,
)
from review.records import canonical_json, freeze_record, result_record, sha256_hex
from review.services.voting import new_receipt_code, receipt_hash

KEY_HOLDERS = ["jijian", "staff", "staff2"]
SHARES_FILE = "demo-key-shares.txt"

# (login, field, title, employer key in world.orgs)
PROFILES = [
    ("expert1", "创业培训与指导", "教授", "河南城建学院"),
    ("expert2", "人力资源管理", "高级经济师", "平顶山学院"),
    ("expert3", "企业管理", "副教授", "平顶山职业技术学院"),
    ("expert4", "财务与审计", "高级会计师", "auditor"),
    ("expert5", "人力资源服务业", "高级人力资源管理师", "host9"),  # works for 周强's host unit: auto-flagged
    ("expert6", "电子商务", "高级工程师", "河南质量工程职业学院"),
    ("expert7", "心理咨询与职业指导", "二级心理咨询师", "平顶山工业职业技术学院"),
]
CLOSED_TITLE = "2026年度第一批专家评审"
OPEN_TITLE = "2026年度第二批专家评审"
# Closed round: lead mentor → choices of expert1..expert7.
CLOSED_VOTES = {
    "黄磊": ["approve"] * 6 + ["disapprove"],
    "胡斌": ["approve", "disapprove", "approve", "disapprove", "abstain", "approve", "disapprove"],
}
OPEN_VOTES = {"周强": {"expert3": "approve", "expert4": "approve"}}


def build(world: World) -> None:
    with transaction.atomic():
        experts = [world.users[login] for login, *_rest in PROFILES]
        for login, field, title, employer in PROFILES:
            ExpertProfile.objects.update_or_create(
                user=world.users[login],
                defaults={"field": field, "title": title, "employer": world.orgs[employer], "active": True},
            )
        # The demo candidates under review came through the 2025 call (applications.demo, which runs first).
        call = world.data.get("calls", {}).get("past")
        panel, _created = Panel.objects.update_or_create(
            name="2026年度大众创业指导大师工作室评审专家组",
            defaults={"call": call},
            create_defaults={"call": call, "created_by": world.users["staff"]},
        )
        panel.members.set(experts)
        workstations = world.data["workstations"]
        if not ReviewRound.objects.filter(title=CLOSED_TITLE).exists():
            _closed_round(world, panel, experts, workstations)
        if not ReviewRound.objects.filter(title=OPEN_TITLE).exists():
            _open_round(world, panel, experts, workstations)
        world.data["review_rounds"] = {
            "closed": ReviewRound.objects.get(title=CLOSED_TITLE),
            "open": ReviewRound.objects.get(title=OPEN_TITLE),
        }
    if demo_shares_path().exists():  # issue 13: the demo rounds' key shares, for the demo only
        world.notes.append(
            f"Demo key shares of the review rounds (demo only; any two, 郑纪明's among them): {demo_shares_path()}"
        )
        world.notes.extend(demo_shares_path().read_text(encoding="utf-8").splitlines())


def demo_shares_path():
    return settings.VAR_DIR / SHARES_FILE


def _issue_demo_shares(world, review_round) -> None:
    """Demo only: the round's key split among the demo key holders, the shares written to var/ (never in production,
    where each holder takes their share once)."""
    private_key, public_key = sealing.new_round_key()
    review_round.public_key = public_key
    holders = [world.users[login] for login in KEY_HOLDERS]
    shares = sealing.split_key(private_key, threshold=review_round.key_threshold, holders=len(holders))
    lines = []
    for user, (index, share) in zip(holders, shares, strict=True):
        RoundKeyHolder.objects.create(
            round=review_round,
            holder=user,
            index=index,
            fingerprint=sealing.share_fingerprint(review_round.pk, index, share),
            taken_at=review_round.opened_at,
        )
        lines.append(f"{review_round.title}\t{user.username}\t{sealing.share_code(review_round.pk, index, share)}")
    path = demo_shares_path()
    kept = [
        line
        for line in (path.read_text(encoding="utf-8").splitlines() if path.exists() else [])
        if not line.startswith(f"{review_round.title}\t")
    ]
    path.write_text("\n".join([*kept, *lines]) + "\n", encoding="utf-8")
    del private_key


def _prepare(world, panel, experts, title, leads, opened_days_ago) -> tuple[ReviewRound, dict]:
    staff = world.users["staff"]
    review_round = ReviewRound.objects.create(panel=panel, title=title, created_by=staff)
    RoundEvent.objects.create(round=review_round, kind=RoundEvent.Kind.CREATED, actor=staff, detail=title)
    candidates = {}
    for lead in leads:
        ws = world.data["workstations"][lead]
        candidates[lead] = RoundCandidate.objects.create(round=review_round, workstation=ws)
        for expert in experts:
            if expert.expert_profile.employer_id == ws.host_unit_id:
                Recusal.objects.create(
                    round=review_round,
                    candidate=candidates[lead],
                    expert=expert,
                    source=Recusal.Source.AUTO,
                    reason="专家所在单位为候选工作室的申报单位。",
                )
    RoundExpert.objects.bulk_create([RoundExpert(round=review_round, expert=e) for e in experts])
    review_round.status = ReviewRound.Status.OPEN
    review_round.opened_at = timezone.now() - timedelta(days=opened_days_ago)
    review_round.opened_by = staff
    _issue_demo_shares(world, review_round)
    review_round.freeze_record = canonical_json(freeze_record(review_round))
    review_round.freeze_hash = sha256_hex(review_round.freeze_record)
    review_round.save()
    RoundEvent.objects.create(
        round=review_round, kind=RoundEvent.Kind.OPENED, actor=staff, detail=review_round.freeze_hash
    )
    return review_round, candidates


def _closed_round(world, panel, experts, workstations) -> None:
    staff = world.users["staff"]
    review_round, candidates = _prepare(world, panel, experts, CLOSED_TITLE, list(CLOSED_VOTES), 20)
    public_key = bytes(review_round.public_key)
    ballots, receipts = [], []
    for lead, choices in CLOSED_VOTES.items():
        cand = candidates[lead]
        for expert, choice in zip(experts, choices, strict=True):
            Participation.objects.create(round=review_round, candidate=cand, expert=expert)
            ballots.append((cand.pk, choice))
            receipts.append((receipt_hash(review_round.pk, expert.pk, new_receipt_code()), cand.pk))
    rng = secrets.SystemRandom()
    rng.shuffle(ballots)
    rng.shuffle(receipts)
    Ballot.objects.bulk_create(
        [
            Ballot(
                id=uuid.uuid4(),
                candidate_id=c,
                choice=ch,
                envelope=sealing.seal(public_key, round_id=review_round.pk, candidate_id=c, choice=ch),
            )
            for c, ch in ballots
        ]
    )
    Receipt.objects.bulk_create([Receipt(id=uuid.uuid4(), candidate_id=c, receipt_hash=h) for h, c in receipts])
    review_round.status = ReviewRound.Status.CLOSED
    review_round.closed_at = timezone.now() - timedelta(days=18)
    review_round.closed_by = staff
    record, counts, outcomes = result_record(review_round, ballots, receipts)
    review_round.result_record = canonical_json(record)
    review_round.result_hash = sha256_hex(review_round.result_record)
    review_round.save()
    for cand in candidates.values():
        c = counts[cand.pk]
        cand.panel_size, cand.eligible, cand.ballots_cast = c.panel, c.eligible, c.voted
        cand.approve, cand.disapprove, cand.abstain = c.approve, c.disapprove, c.abstain
        cand.outcome = outcomes[cand.pk]
        cand.save()
    RoundEvent.objects.create(
        round=review_round, kind=RoundEvent.Kind.CLOSED, actor=staff, detail=review_round.result_hash
    )


def _open_round(world, panel, experts, workstations) -> None:
    review_round, candidates = _prepare(world, panel, experts, OPEN_TITLE, list(OPEN_VOTES), 1)
    by_login = {e.username: e for e in experts}
    for lead, votes in OPEN_VOTES.items():
        cand = candidates[lead]
        for login, choice in votes.items():
            expert = by_login[login]
            Participation.objects.create(round=review_round, candidate=cand, expert=expert)
            StagedBallot.objects.create(
                candidate=cand,
                envelope=sealing.seal(
                    bytes(review_round.public_key), round_id=review_round.pk, candidate_id=cand.pk, choice=choice
                ),
                receipt_hash=receipt_hash(review_round.pk, expert.pk, new_receipt_code()),
            )
