"""Canonical records of a round: what was frozen when it opened, and what the close counted (Art. 6(3)).

A record is JSON with sorted keys, no spaces and UTF-8 text; its SHA-256 is shown to the supervisor and printed on
the results sheet. The re-count (:func:`recount`) builds the result record again from the stored ballots and compares.
"""

import hashlib
import json
from dataclasses import dataclass, field

from review.rules import Choice, Counts, tally


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
    }


def candidate_counts(review_round, ballots) -> dict[int, Counts]:
    """Counts per candidate id from ``ballots`` (``(candidate_id, choice)`` pairs) and the frozen recusals."""
    panel = review_round.experts.count()
    recused: dict[int, int] = {}
    for candidate_id in review_round.recusals.filter(after_opening=False).values_list("candidate_id", flat=True):
        recused[candidate_id] = recused.get(candidate_id, 0) + 1
    by_choice: dict[int, dict[str, int]] = {}
    for candidate_id, choice in ballots:
        bucket = by_choice.setdefault(candidate_id, {c.value: 0 for c in Choice})
        bucket[choice] += 1
    counts = {}
    for candidate_id in review_round.candidates.values_list("pk", flat=True):
        bucket = by_choice.get(candidate_id, {c.value: 0 for c in Choice})
        counts[candidate_id] = Counts(
            panel=panel,
            eligible=panel - recused.get(candidate_id, 0),
            approve=bucket[Choice.APPROVE],
            disapprove=bucket[Choice.DISAPPROVE],
            abstain=bucket[Choice.ABSTAIN],
        )
    return counts


def result_record(review_round, ballots: list[tuple[int, str, str]]) -> tuple[dict, dict[int, Counts], dict[int, str]]:
    """The result record from ``ballots`` (``(candidate_id, choice, receipt_hash)``), with counts and outcomes."""
    rule = review_round.rule
    counts = candidate_counts(review_round, [(c, choice) for c, choice, _ in ballots])
    voided = frozenset(review_round.candidates.filter(voided=True).values_list("pk", flat=True))
    outcomes = tally(rule, counts, voided)
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
                **counts[pk].as_dict(),
                "voided": pk in voided,
                "outcome": outcomes[pk],
            }
            for pk in sorted(counts)
        ],
        "ballots": [
            {"receipt_hash": receipt, "candidate": candidate_id, "choice": choice}
            for candidate_id, choice, receipt in sorted(ballots, key=lambda b: b[2])
        ],
    }
    return record, counts, outcomes


@dataclass
class RecountResult:
    matches: bool
    stored_hash: str
    recomputed_hash: str
    problems: list[str] = field(default_factory=list)
    candidates: list[dict] = field(default_factory=list)


def recount(review_round) -> RecountResult:
    """Recompute everything from the stored ballots and compare with the round's result record and its hash."""
    from django.utils.translation import gettext as _

    from review.models import Ballot

    ballots = list(
        Ballot.objects.filter(candidate__round=review_round).values_list("candidate_id", "choice", "receipt_hash")
    )
    record, _counts, _outcomes = result_record(review_round, ballots)
    recomputed = sha256_hex(canonical_json(record))
    problems = []
    if sha256_hex(review_round.result_record) != review_round.result_hash:
        problems.append(_("The stored result record does not match its stored hash."))
    stored = json.loads(review_round.result_record or "{}")
    stored_candidates = {c["id"]: c for c in stored.get("candidates", [])}
    for cand in record["candidates"]:
        before = stored_candidates.get(cand["id"])
        if before != cand:
            problems.append(
                _("Candidate %(id)s: the record says %(before)s, the ballots give %(after)s.")
                % {"id": cand["id"], "before": _summary(before), "after": _summary(cand)}
            )
    if stored.get("ballots") != record["ballots"]:
        problems.append(_("The stored ballots differ from the ballot list of the result record."))
    participations = review_round.participations.count()
    if participations != len(ballots):
        problems.append(
            _("%(p)d experts voted but %(b)d ballots are stored.") % {"p": participations, "b": len(ballots)}
        )
    return RecountResult(
        matches=not problems and recomputed == review_round.result_hash,
        stored_hash=review_round.result_hash,
        recomputed_hash=recomputed,
        problems=problems,
        candidates=record["candidates"],
    )


def _summary(cand: dict | None) -> str:
    if cand is None:
        return "—"
    return f"{cand['approve']}/{cand['disapprove']}/{cand['abstain']} {cand['outcome']}"
