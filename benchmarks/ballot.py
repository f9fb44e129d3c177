"""A secret-ballot round at full size on PostgreSQL: every expert votes on every candidate at once, through
``review.services.ballot_cast`` (the service the ballot page calls). Ballots are sealed (issue 13): the round's key is
split among the supervisor and two members of staff, who take their shares before voting starts; the round is then
closed through ``round_close`` with two shares (the supervisor's among them) and nothing may be lost: receipts =
participations = sealed ballots = experts × candidates, and every envelope opened (run by ``benchmarks/run.py``;
issue 9's figures, plaintext staging, were 224 ballots/s and a 1.3 s close).

Issue 21 item 5: ``threads`` (50) experts at once, each with its own database connection, served by ``processes``
processes as production's web workers serve them (``run.py`` passes docker-compose.yml's ``--workers``, read where the
public benchmark reads it): each process runs its share of the threads, so the casts' Python work is spread over the
processes and cores as in production instead of sharing one interpreter lock. Every vote is sent twice (the second
copy shuffled among the others, so some arrive together, in the same process or in two: a double click, a resent
form); each process gets every ``processes``-th send of the one shuffled list. The second copy must be refused as
``AlreadyVoted``; lost = expected − sealed ballots, duplicated = sealed ballots − expected. The figures are over all
processes: ballots/s = distinct ballots / wall time from the start signal to the last send's end, latency p50/p95/p99
over all 2 × experts × candidates sends.
"""

import json
import multiprocessing
import queue
import random
import threading
import time

CHOICES = ("approve", "disapprove", "abstain")
STARTUP_S, SENDS_S = 120, 1800  # a process that cannot connect or hangs ends the run instead of blocking it


def _serve(jobs: list, threads: int, ready, start, results) -> None:
    """One process, like one web worker: ``threads`` threads, each with its own connection opened before the start
    signal (a worker keeps its connections, CONN_MAX_AGE), take the process's sends one at a time."""
    from django.db import connection

    from review import services
    from review.services.voting import AlreadyVoted

    todo: queue.SimpleQueue = queue.SimpleQueue()
    for job in jobs:
        todo.put(job)
    lock = threading.Lock()
    latencies: list[float] = []
    counts = {"refused_second": 0}
    failures: list[str] = []
    connected = threading.Barrier(threads + 1)

    def thread_main(seed: int) -> None:
        rng = random.Random(seed)
        connection.ensure_connection()
        connected.wait()
        start.wait()
        mine: list[float] = []
        while True:
            try:
                expert, cand = todo.get_nowait()
            except queue.Empty:
                break
            t0 = time.perf_counter()
            try:
                services.ballot_cast(candidate=cand, choice=rng.choice(CHOICES), actor=expert)
            except AlreadyVoted:
                with lock:
                    counts["refused_second"] += 1
            except Exception as exc:  # counted, not raised: the check below says what was lost
                with lock:
                    failures.append(type(exc).__name__)
            mine.append((time.perf_counter() - t0) * 1000)
        connection.close()
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=thread_main, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    connected.wait()
    ready.wait(timeout=STARTUP_S)  # every process connected: the parent gives the start signal
    for w in workers:
        w.join()
    results.put({"latencies": latencies, "failures": failures, **counts})


def _collect(results, children) -> list[dict]:
    """Each process's figures as it finishes; a process that died without them ends the run at once."""
    parts: list[dict] = []
    deadline = time.monotonic() + SENDS_S
    while len(parts) < len(children):
        try:
            parts.append(results.get(timeout=1))
        except queue.Empty:
            dead = [c.exitcode for c in children if c.exitcode not in (None, 0)]
            if dead or time.monotonic() > deadline:
                for child in children:
                    child.kill()
                raise SystemExit(f"a casting process failed (exit status {dead or 'timeout'})") from None
    return parts


def cast_all(jobs: list, threads: int, processes: int) -> dict:
    """Send ``jobs`` from ``threads`` threads spread over ``processes`` forked processes; figures over all of them."""
    from django.db import connections

    from benchmarks.stats import load, settle

    connections.close_all()  # no connection crosses the fork
    ctx = multiprocessing.get_context("fork")
    ready, start, results = ctx.Barrier(processes + 1), ctx.Event(), ctx.Queue()
    shares = [threads // processes + (i < threads % processes) for i in range(processes)]
    children = [
        ctx.Process(target=_serve, args=(jobs[i::processes], shares[i], ready, start, results))
        for i in range(processes)
    ]
    for child in children:
        child.start()
    ready.wait(timeout=STARTUP_S)
    load_before = settle()  # the children wait on the start signal, idle
    started = time.perf_counter()
    start.set()
    parts = _collect(results, children)
    wall = time.perf_counter() - started
    load_cast = load()
    for child in children:
        child.join()
        if child.exitcode:
            raise SystemExit(f"a casting process failed (exit status {child.exitcode})")
    return {
        "wall": wall,
        "latencies": [x for p in parts for x in p["latencies"]],
        "failures": [x for p in parts for x in p["failures"]],
        "refused_second": sum(p["refused_second"] for p in parts),
        "threads_per_process": shares,
        "load": [load_before, load_cast],
    }


def main(n_experts: int, n_candidates: int, threads: int, processes: int, out: str) -> None:
    from benchmarks.stats import load, settle, summary
    from portal.models import Organisation, User
    from portal.roles import OrgKind
    from review import services
    from review.models import Ballot, ExpertProfile, Participation, Receipt, StagedBallot
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

    sent = cast_all(jobs, threads, processes)
    wall, failures = sent["wall"], sent["failures"]
    staged = StagedBallot.objects.count()
    participations = Participation.objects.count()
    load_close = settle()  # the close is timed on a machine no longer busy with the casting
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
        "processes": processes,
        "sends": len(jobs),
        "lost": max(0, expected - staged),
        "duplicated": max(0, staged - expected) + max(0, participations - expected),
        "refused_second": sent["refused_second"],
        "failures": len(failures),
        "wall_s": wall,
        "ballots_per_s": expected / wall,
        "close_s": close_s,
        "opened": ballots,
        "cast_ms": summary(sent["latencies"]),
        "load": [*sent["load"], load_close, load()],
        "ok": ok,
    }
    rows = [
        ["experts × candidates", f"{n_experts} × {n_candidates} = {expected:,}"],
        [
            "client threads (own DB connections) in processes (production's web workers)",
            f"{threads} in {processes} ({' + '.join(str(n) for n in sent['threads_per_process'])})",
        ],
        [
            "wall time, all sends (every ballot sealed)",
            f"{wall:.1f} s ({expected / wall:.0f} ballots/s; issue 9, plaintext: 224 ballots/s)",
        ],
        [
            f"round close with 2 of 3 shares (open, shuffle, re-seal, count, {n_candidates} transitions)",
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
