"""A secret-ballot round at full size on PostgreSQL: every expert votes on every candidate at once, through
``review.services.ballot_cast`` (the service the ballot page calls), from a pool of threads with their own
connections. Then the round is closed through ``round_close`` and nothing may be lost:
ballots = participations = experts × candidates (run by ``benchmarks/run.py``).
"""

import json
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor


def main(n_experts: int, n_candidates: int, out: str) -> None:
    from django.db import connections

    from portal.models import Organisation, User
    from portal.roles import OrgKind
    from review import services
    from review.models import Ballot, ExpertProfile, Participation, StagedBallot
    from workstations.models import State, Workstation

    city = Organisation.objects.create(kind=OrgKind.CITY_BUREAU, name="市人社局")
    county = Organisation.objects.create(kind=OrgKind.COUNTY_BUREAU, name="县人社局", short_name="县")
    pool = Organisation.objects.create(kind=OrgKind.EXPERT_POOL, name="专家库")
    staff = User.objects.create(username="bench-staff", organisation=city)
    experts = User.objects.bulk_create([User(username=f"bench-expert{i}", organisation=pool) for i in range(n_experts)])
    ExpertProfile.objects.bulk_create([ExpertProfile(user=e, field="创业指导", employer_text="高校") for e in experts])
    hosts = Organisation.objects.bulk_create(
        [Organisation(kind=OrgKind.HOST_UNIT, name=f"基地{i}", county=county) for i in range(n_candidates)]
    )
    workstations = Workstation.objects.bulk_create(
        [
            Workstation(host_unit=h, recommender=county, lead_mentor_name=f"候选{i}", state=State.RECOMMENDED)
            for i, h in enumerate(hosts)
        ]
    )
    panel = services.panel_create(name="评审专家组", members=experts, actor=staff)
    review_round = services.round_create(panel=panel, title="票决", actor=staff, min_eligible=1)
    services.round_set_candidates(review_round=review_round, workstations=workstations, actor=staff)
    review_round = services.round_open(review_round=review_round, actor=staff)
    candidates = list(review_round.candidates.values_list("pk", flat=True))
    jobs = [(e, c) for e in experts for c in candidates]
    random.Random(3).shuffle(jobs)
    failures: list[str] = []
    lock = threading.Lock()

    def cast(job):
        expert, cand = job
        try:
            services.ballot_cast(
                candidate=cand, choice=random.choice(["approve", "disapprove", "abstain"]), actor=expert
            )
        except Exception as exc:  # counted, not raised: the check below says what was lost
            with lock:
                failures.append(type(exc).__name__)
        return None

    threads = 8
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads, initializer=lambda: None) as executor:
        list(executor.map(cast, jobs, chunksize=25))
    wall = time.perf_counter() - started
    connections.close_all()
    staged = StagedBallot.objects.count()
    participations = Participation.objects.count()
    t0 = time.perf_counter()
    services.round_close(review_round=review_round, actor=staff)
    close_s = time.perf_counter() - t0
    ballots = Ballot.objects.filter(candidate__round=review_round).count()
    expected = n_experts * n_candidates
    ok = ballots == participations == staged == expected and not failures
    rows = [
        ["experts × candidates", f"{n_experts} × {n_candidates} = {expected:,}"],
        ["client threads (own DB connections)", threads],
        ["wall time, all ballots cast", f"{wall:.1f} s ({expected / wall:.0f} ballots/s)"],
        ["round close (shuffle, count, 100 transitions)", f"{close_s:.1f} s"],
        ["participations / staged ballots before close", f"{participations:,} / {staged:,}"],
        ["ballots after close", f"{ballots:,}"],
        ["refused or failed casts", (len(failures) and ", ".join(sorted(set(failures)))) or 0],
        ["none lost", "yes" if ok else "NO"],
    ]
    with open(out, "w") as fh:
        json.dump({"rows": rows, "ok": ok}, fh)
