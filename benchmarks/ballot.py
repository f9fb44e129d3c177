"""A secret-ballot round at full size on PostgreSQL: every expert votes on every candidate at once, through
``review.services.ballot_cast`` (the service the ballot page calls), from a pool of threads with their own
connections. Ballots are sealed (issue 13): the round's key is split among the supervisor and two members of staff,
who take their shares before voting starts; the round is then closed through ``round_close`` with two shares (the
supervisor's among them) and nothing may be lost: receipts = participations = sealed ballots = experts × candidates,
and every envelope opened (run by ``benchmarks/run.py``; issue 9's figures, plaintext staging, were 224 ballots/s
and a 1.3 s close).

Issue 21 item 5: ``threads`` (50) experts at once, each with its own database connection, and every vote sent twice
(the second copy shuffled among the others, so some arrive together: a double click, a resent form). The second copy
must be refused as ``AlreadyVoted``; lost = expected − sealed ballots, duplicated = sealed ballots − expected. Each
cast's latency is recorded (p50/p95/p99 over all 2 × experts × candidates sends).
"""

import json
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor


def main(n_experts: int, n_candidates: int, threads: int, out: str) -> None:
    from django.db import connections

    from benchmarks.stats import load, summary
    from portal.models import Organisation, User
    from portal.roles import OrgKind
    from review import services
    from review.models import Ballot, ExpertProfile, Participation, Receipt, StagedBallot
    from review.services.voting import AlreadyVoted
    from workstations.models import State, Workstation

    city = Organisation.objects.create(kind=OrgKind.CITY_BUREAU, name="市人社局")
    county = Organisation.objects.create(kind=OrgKind.COUNTY_BUREAU, name="县人社局", short_name="县")
    pool = Organisation.objects.create(kind=OrgKind.EXPERT_POOL, name="专家库")
    staff = User.objects.create(username="bench-staff", organisation=city)
    staff2 = User.objects.create(username="bench-staff2", organisation=city)
    group = Organisation.objects.create(kind=OrgKind.DISCIPLINE_GROUP, name="纪检监察组")
    supervisor = User.objects.create(username="bench-supervisor", organisation=group)
    experts = User.objects.bulk_create([User(username=f"bench-expert{i}", organisation=pool) for i in range(n_experts)])
    ExpertProfile.objects.bulk_create([ExpertProfile(user=e, field="创业指导", employer_text="高校") for e in experts])
    hosts = Organisation.objects.bulk_create(
        [Organisation(kind=OrgKind.HOST_UNIT, name=f"基地{i}", county=county) for i in range(n_candidates)]
    )
    workstations = Workstation.objects.bulk_create(
        [
            Workstation(host_unit=h, recommender=county, lead_mentor_name=f"候选{i}", state=State.QUALIFIED)
            for i, h in enumerate(hosts)
        ]
    )
    panel = services.panel_create(name="评审专家组", members=experts, actor=staff)
    review_round = services.round_create(
        panel=panel, title="票决", actor=staff, min_eligible=1, key_holders=[supervisor, staff, staff2]
    )
    services.round_set_candidates(review_round=review_round, workstations=workstations, actor=staff)
    review_round = services.round_open(review_round=review_round, actor=staff)
    shares = [services.key_share_take(review_round=review_round, actor=u)[1] for u in (supervisor, staff, staff2)]
    candidates = list(review_round.candidates.values_list("pk", flat=True))
    jobs = [(e, c) for e in experts for c in candidates] * 2  # every vote sent twice
    random.Random(3).shuffle(jobs)
    failures: list[str] = []
    refused_twice: list[int] = []
    latencies: list[float] = []
    lock = threading.Lock()

    def cast(job):
        expert, cand = job
        t0 = time.perf_counter()
        try:
            services.ballot_cast(
                candidate=cand, choice=random.choice(["approve", "disapprove", "abstain"]), actor=expert
            )
        except AlreadyVoted:
            with lock:
                refused_twice.append(1)
        except Exception as exc:  # counted, not raised: the check below says what was lost
            with lock:
                failures.append(type(exc).__name__)
        finally:  # each thread keeps its connection, as a web worker does (CONN_MAX_AGE)
            with lock:
                latencies.append((time.perf_counter() - t0) * 1000)
        return None

    load_before = load()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as executor:
        list(executor.map(cast, jobs, chunksize=10))
    wall = time.perf_counter() - started
    load_cast = load()
    connections.close_all()
    staged = StagedBallot.objects.count()
    participations = Participation.objects.count()
    t0 = time.perf_counter()
    services.round_close(review_round=review_round, actor=staff, shares=shares[:2])
    close_s = time.perf_counter() - t0
    ballots = Ballot.objects.filter(candidate__round=review_round).count()
    receipts = Receipt.objects.filter(candidate__round=review_round).count()
    expected = n_experts * n_candidates
    ok = ballots == receipts == participations == staged == expected and not failures
    figures = {
        "expected": expected,
        "threads": threads,
        "sends": len(jobs),
        "lost": max(0, expected - staged),
        "duplicated": max(0, staged - expected) + max(0, participations - expected),
        "refused_second": len(refused_twice),
        "failures": len(failures),
        "wall_s": wall,
        "ballots_per_s": expected / wall,
        "close_s": close_s,
        "opened": ballots,
        "cast_ms": summary(latencies),
        "load": [load_before, load_cast, load()],
        "ok": ok,
    }
    rows = [
        ["experts × candidates", f"{n_experts} × {n_candidates} = {expected:,}"],
        ["client threads (own DB connections)", threads],
        [
            "wall time, all ballots cast (sealed)",
            f"{wall:.1f} s ({expected / wall:.0f} ballots/s; issue 9, plaintext: 224 ballots/s)",
        ],
        [
            "round close with 2 of 3 shares (open, shuffle, re-seal, count, 100 transitions)",
            f"{close_s:.1f} s (issue 9, plaintext: 1.3 s)",
        ],
        ["participations / sealed ballots before close", f"{participations:,} / {staged:,}"],
        ["ballots opened / receipts after close", f"{ballots:,} / {receipts:,}"],
        [
            "failed casts (other than the refused second copies)",
            (len(failures) and ", ".join(sorted(set(failures)))) or 0,
        ],
        ["none lost", "yes" if ok else "NO"],
    ]
    with open(out, "w") as fh:
        json.dump({"rows": rows, "ok": ok, "figures": figures}, fh)
