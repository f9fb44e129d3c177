"""Benchmark: the compliance board (Art. 10) for a city of 1,000 workstations with five years of reports.

Builds the data with ``bulk_create`` in a throw-away test database (SQLite in memory by default; PostgreSQL when
``DATABASE_URL`` is set), then requests the board as a city staff member and prints the server time and the number
of queries. Run from the project root:

    .venv/bin/python benchmarks/compliance_board.py [--workstations 1000] [--years 5]
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("PORTAL_VAR_DIR", tempfile.mkdtemp(prefix="bench-"))


def build(n_workstations: int, years: int, today: date) -> None:
    from django.utils import timezone

    from portal.models import Organisation, User
    from portal.roles import OrgKind
    from workstations import compliance
    from workstations.models import State, Workstation
    from workstations.models_outcomes import ActivityKind, ActivityReport, ReportStatus, TrainedPerson

    rng = random.Random(7)
    Organisation.objects.create(kind=OrgKind.CITY_BUREAU, name="市人社局")
    counties = Organisation.objects.bulk_create(
        [
            Organisation(kind=OrgKind.COUNTY_BUREAU, name=f"县{i}人社局", short_name=f"县{i}", code=f"4104{i:02d}")
            for i in range(12)
        ]
    )
    hosts = Organisation.objects.bulk_create(
        [
            Organisation(kind=OrgKind.HOST_UNIT, name=f"创业孵化基地{i}", county=counties[i % 12])
            for i in range(n_workstations // 2)
        ]
    )
    submitter = User.objects.create(username="host-bench", organisation=hosts[0])
    first_year = today.year - years + 1
    workstations = Workstation.objects.bulk_create(
        [
            Workstation(
                host_unit=hosts[i % len(hosts)],
                recommender=hosts[i % len(hosts)].county,
                lead_mentor_name=f"导师{i}",
                state=State.ACTIVE if i % 20 else State.RECTIFYING,
                certified_on=date(first_year, 1, 1) + timedelta(days=rng.randint(0, 300)),
            )
            for i in range(n_workstations)
        ],
        batch_size=500,
    )
    now = timezone.now()
    reports, trainees_for = [], []
    for ws in workstations:
        quarter = compliance.quarter_of(ws.certified_on)
        while quarter.start <= today:
            span = (min(quarter.end, today) - max(quarter.start, ws.certified_on)).days
            kinds = [ActivityKind.CONSULTATION] * (rng.random() < 0.9)
            kinds += [ActivityKind.THEMED] * (quarter.quarter in (2, 4))
            kinds += [ActivityKind.TRAINING] * (quarter.quarter == 3)
            for kind in kinds:
                reports.append(
                    ActivityReport(
                        workstation=ws,
                        kind=kind,
                        setting="park" if kind == ActivityKind.THEMED else "",
                        title="活动",
                        held_on=max(quarter.start, ws.certified_on) + timedelta(days=rng.randint(0, max(span, 0))),
                        place="平顶山",
                        participant_count=30,
                        description="—",
                        status=ReportStatus.REJECTED if rng.random() < 0.05 else ReportStatus.ACCEPTED,
                        submitted_by=submitter,
                        submitted_at=now,
                    )
                )
                trainees_for.append(kind == ActivityKind.TRAINING)
            quarter = compliance.quarter_of(quarter.end + timedelta(days=1))
    reports = ActivityReport.objects.bulk_create(reports, batch_size=2000)
    TrainedPerson.objects.bulk_create(
        [
            TrainedPerson(report=r, name=name)
            for r, is_training in zip(reports, trainees_for, strict=True)
            if is_training
            for name in ("甲", "乙")
        ],
        batch_size=2000,
    )
    print(f"built {len(workstations)} workstations, {len(reports)} reports in {years} years")


def measure(today: date) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.models import Organisation, User
    from portal.roles import OrgKind
    from workstations.selectors_outcomes import compliance_board

    staff = User.objects.create(username="staff-bench", organisation=Organisation.objects.get(kind=OrgKind.CITY_BUREAU))
    client = Client()
    client.force_login(staff)
    for year in (today.year, today.year - 2):
        for label, params in (
            ("all counties", {}),
            ("one county", {"county": Organisation.objects.filter(kind=OrgKind.COUNTY_BUREAU).first().pk}),
        ):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get("/workstations/board/", {"year": year, **params})
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200
            rows = len(response.context["board"].rows)
            start = time.perf_counter()
            compliance_board(staff, year=year, county_id=params.get("county"), today=today)
            engine = (time.perf_counter() - start) * 1000
            print(
                f"board {year}, {label:12}: {rows:5d} rows, {len(ctx.captured_queries):2d} queries, "
                f"{elapsed:7.1f} ms server time, of which {engine:6.1f} ms fetching and computing"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workstations", type=int, default=1000)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment
    from django.utils import timezone

    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        today = timezone.localdate()
        start = time.perf_counter()
        build(args.workstations, args.years, today)
        print(f"data built in {time.perf_counter() - start:.1f} s on {connection.vendor}")
        measure(today)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
