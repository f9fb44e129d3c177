"""Canonical records of a round: what was frozen when it opened, and what the close counted (Art. 6(3)).

A record is JSON with sorted keys, no spaces and UTF-8 text; its SHA-256 is shown to the supervisor and printed on
the results sheet. The re-count (:func:`recount`) builds the result record again from the stored ballots (opening
their sealed envelopes when the key holders' shares are given) and compares.

The result record holds the counts of each candidate and the sorted list of receipt hashes that reached the close —
never which choice goes with which receipt, so a receipt proves inclusion and nothing about content (issue 13).
"""

import hashlib
import json
from dataclasses import dataclass, field

from review.rules import UNOPENED, Choice, Counts, tally, unopened_outcome


def canonical_json(data: dict) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def freeze_record(review_round) -> dict:
    """The rule, the experts, the candidates and the recusals as they stand when the round opens."""
    candidates = list(review_round.candidates.select_related("workstation", "workstation__host_unit"))
    return {
        "round": review_round.pk,
        "title": review_round.title,
        "rule": review_round.rule.as_dict(),
        "experts": sorted(
            ({"id": e.expert_id, "name": str(e.expert)} for e in review_round.experts.select_related("expert")),
            key=lambda item: item["id"],
        ),
        "candidates": sorted(
            (
                {
                    "id": c.pk,
                    "workstation": c.workstation_id,
                    "name": c.workstation.name,
                    "host_unit": c.workstation.host_unit.name,
                }
                for c in candidates
            ),
            key=lambda item: item["id"],
        ),
        "recusals": sorted(
            (
                {"candidate": r.candidate_id, "expert": r.expert_id, "source": r.source}
                for r in review_round.recusals.filter(after_opening=False)
            ),
            key=lambda item: (item["candidate"], item["expert"]),
        ),
        # Issue 13: who holds the key, and the ballot box's public key, are frozen with the rule.
        "key_holders": sorted(
            ({"id": kh.holder_id, "name": str(kh.holder)} for kh in review_round.key_holders.select_related("holder")),
            key=lambda item: item["id"],
        ),
        "public_key": bytes(review_round.public_key or b"").hex(),
    }


def base_counts(review_round) -> dict[int, Counts]:
    """Experts of the round and eligible experts per candidate id (the frozen recusals), with no ballots."""
    panel = review_round.experts.count()
    recused: dict[int, int] = {}
    for candidate_id in review_round.recusals.filter(after_opening=False).values_list("candidate_id", flat=True):
        recused[candidate_id] = recused.get(candidate_id, 0) + 1
    return {
        candidate_id: Counts(panel=panel, eligible=panel - recused.get(candidate_id, 0))
        for candidate_id in review_round.candidates.values_list("pk", flat=True)
    }


def unopened_candidates(review_round, cast: dict[int, int]) -> dict[int, str]:
    """Candidates decided without opening a ballot (voided, too few experts, no quorum): ``{id: outcome}``.

    Uses only the number of sealed ballots cast on each candidate, so the close knows which envelopes to leave shut.
    """
    rule = review_round.rule
    voided = frozenset(review_round.candidates.filter(voided=True).values_list("pk", flat=True))
    found = {}
    for pk, base in base_counts(review_round).items():
        counts = Counts(panel=base.panel, eligible=base.eligible, cast=cast.get(pk, 0))
        outcome = unopened_outcome(rule, counts, voided=pk in voided)
        if outcome is not None:
            found[pk] = outcome
    return found


def candidate_counts(review_round, ballots, cast: dict[int, int] | None = None) -> dict[int, Counts]:
    """Counts per candidate id from opened ``ballots`` (``(candidate_id, choice)`` pairs) and the frozen recusals;
    a candidate in ``cast`` whose ballots were not opened gets only its number of ballots."""
    by_choice: dict[int, dict[str, int]] = {}
    for candidate_id, choice in ballots:
        bucket = by_choice.setdefault(candidate_id, {c.value: 0 for c in Choice})
        bucket[choice] += 1
    counts = {}
    for candidate_id, base in base_counts(review_round).items():
        if candidate_id not in by_choice and cast and cast.get(candidate_id):
            counts[candidate_id] = Counts(panel=base.panel, eligible=base.eligible, cast=cast[candidate_id])
            continue
        bucket = by_choice.get(candidate_id, {c.value: 0 for c in Choice})
        counts[candidate_id] = Counts(
            panel=base.panel,
            eligible=base.eligible,
            approve=bucket[Choice.APPROVE],
            disapprove=bucket[Choice.DISAPPROVE],
            abstain=bucket[Choice.ABSTAIN],
        )
    return counts


def result_record(
    review_round, ballots: list[tuple[int, str]], receipts: list[tuple[str, int]]
) -> tuple[dict, dict[int, Counts], dict[int, str]]:
    """The result record from the opened ``ballots`` (``(candidate_id, choice)``) and every ``receipts`` entry
    (``(receipt_hash, candidate_id)``, one per sealed ballot cast), with counts and outcomes.

    A candidate decided without opening (voided, too few experts, no quorum) carries its number of ballots and no
    choice counts at all.
    """
    rule = review_round.rule
    cast: dict[int, int] = {}
    for _receipt, candidate_id in receipts:
        cast[candidate_id] = cast.get(candidate_id, 0) + 1
    unopened = unopened_candidates(review_round, cast)
    counts = candidate_counts(review_round, [b for b in ballots if b[0] not in unopened], cast)
    for pk in unopened:
        counts[pk] = Counts(panel=counts[pk].panel, eligible=counts[pk].eligible, cast=cast.get(pk, 0))
    voided = frozenset(review_round.candidates.filter(voided=True).values_list("pk", flat=True))
    outcomes = tally(rule, counts, voided)
    outcomes.update(unopened)
    names = dict(review_round.candidates.values_list("pk", "workstation_id"))
    record = {
        "round": review_round.pk,
        "title": review_round.title,
        "rule": rule.as_dict(),
        "freeze_hash": review_round.freeze_hash,
        "candidates": [
            {
                "id": pk,
                "workstation": names[pk],
                **_counts_for_record(counts[pk], opened=outcomes[pk] not in UNOPENED),
                "voided": pk in voided,
                "outcome": outcomes[pk],
            }
            for pk in sorted(counts)
        ],
        "receipts": sorted([receipt, candidate_id] for receipt, candidate_id in receipts),
    }
    return record, counts, outcomes


def _counts_for_record(counts: Counts, *, opened: bool) -> dict:
    data = counts.as_dict()
    if not opened:
        data.update(approve=None, disapprove=None, abstain=None)
    return data


@dataclass
class RecountResult:
    matches: bool
    stored_hash: str
    recomputed_hash: str
    problems: list[str] = field(default_factory=list)
    candidates: list[dict] = field(default_factory=list)
    opened: bool = False


def recount(review_round, private_key: bytes | None = None) -> RecountResult:
    """Recompute everything from the stored ballots and receipts and compare with the round's result record.

    With the round's private key (rebuilt from the key holders' shares) every stored envelope is opened again and
    must hold the choice stored beside it.
    """
    from django.utils.translation import gettext as _

    from review.models import Ballot, Receipt
    from review.sealing import BadEnvelope, opener

    stored = json.loads(review_round.result_record or "{}")
    if "ballots" in stored and "receipts" not in stored:
        return _recount_legacy(review_round, stored)
    rows = list(Ballot.objects.filter(candidate__round=review_round).values_list("candidate_id", "choice", "envelope"))
    problems = []
    if private_key is not None:
        mismatched = 0
        open_one = opener(private_key)
        for candidate_id, choice, envelope in rows:
            try:
                if open_one(envelope, round_id=review_round.pk, candidate_id=candidate_id) != choice:
                    mismatched += 1
            except BadEnvelope:
                mismatched += 1
        if mismatched:
            problems.append(_("%(n)d stored ballots do not match their sealed envelopes.") % {"n": mismatched})
    ballots = [(candidate_id, choice) for candidate_id, choice, _envelope in rows]
    receipts = list(Receipt.objects.filter(candidate__round=review_round).values_list("receipt_hash", "candidate_id"))
    record, _counts, _outcomes = result_record(review_round, ballots, receipts)
    recomputed = sha256_hex(canonical_json(record))
    if sha256_hex(review_round.result_record) != review_round.result_hash:
        problems.append(_("The stored result record does not match its stored hash."))
    stored_candidates = {c["id"]: c for c in stored.get("candidates", [])}
    for cand in record["candidates"]:
        before = stored_candidates.get(cand["id"])
        if before != cand:
            problems.append(
                _("Candidate %(id)s: the record says %(before)s, the ballots give %(after)s.")
                % {"id": cand["id"], "before": _summary(before), "after": _summary(cand)}
            )
    if stored.get("receipts") != record["receipts"]:
        problems.append(_("The stored receipts differ from the receipt list of the result record."))
    participations = review_round.participations.count()
    if participations != len(receipts):
        problems.append(
            _("%(p)d experts voted but %(b)d ballots are stored.") % {"p": participations, "b": len(receipts)}
        )
    return RecountResult(
        matches=not problems and recomputed == review_round.result_hash,
        stored_hash=review_round.result_hash,
        recomputed_hash=recomputed,
        problems=problems,
        candidates=record["candidates"],
        opened=private_key is not None,
    )


def _recount_legacy(review_round, stored: dict) -> RecountResult:
    """A round closed before issue 13: its record lists (receipt hash, candidate, choice) and its hash is on paper. The
    ballots carry no envelope, so nothing is opened; the stored ballots and receipts must agree with the record."""
    from django.utils.translation import gettext as _

    from review.models import Ballot, Receipt

    problems = []
    if sha256_hex(review_round.result_record) != review_round.result_hash:
        problems.append(_("The stored result record does not match its stored hash."))
    ballots = sorted(Ballot.objects.filter(candidate__round=review_round).values_list("candidate_id", "choice"))
    if sorted((b["candidate"], b["choice"]) for b in stored["ballots"]) != ballots:
        problems.append(_("The stored ballots differ from the ballot list of the result record."))
    receipts = sorted(Receipt.objects.filter(candidate__round=review_round).values_list("receipt_hash", flat=True))
    if sorted(b["receipt_hash"] for b in stored["ballots"]) != receipts:
        problems.append(_("The stored receipts differ from the receipt list of the result record."))
    counts = candidate_counts(review_round, ballots)
    voided = frozenset(review_round.candidates.filter(voided=True).values_list("pk", flat=True))
    outcomes = tally(review_round.rule, counts, voided)
    stored_candidates = {c["id"]: c for c in stored.get("candidates", [])}
    for pk, c in counts.items():
        before = stored_candidates.get(pk) or {}
        if {k: before.get(k) for k in ("approve", "disapprove", "abstain")} != {
            "approve": c.approve,
            "disapprove": c.disapprove,
            "abstain": c.abstain,
        } or before.get("outcome") != outcomes[pk]:
            problems.append(_("Candidate %(id)s: the record and the stored ballots differ.") % {"id": pk})
    if review_round.participations.count() != len(ballots):
        problems.append(
            _("%(p)d experts voted but %(b)d ballots are stored.")
            % {"p": review_round.participations.count(), "b": len(ballots)}
        )
    return RecountResult(
        matches=not problems,
        stored_hash=review_round.result_hash,
        recomputed_hash=sha256_hex(review_round.result_record) if not problems else "",
        problems=problems,
        candidates=stored.get("candidates", []),
    )


def _summary(cand: dict | None) -> str:
    if cand is None:
        return "—"
    if cand["approve"] is None:
        return f"{cand['voted']} {cand['outcome']}"
    return f"{cand['approve']}/{cand['disapprove']}/{cand['abstain']} {cand['outcome']}"
