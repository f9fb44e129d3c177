"""A generated city at scale, built with ``bulk_create`` (benchmarks only; no services, no signals).

``build_city(n)`` writes ``n`` workstations over five calls (one per year), their applications and lead mentors,
50 experts on one panel with a closed review round per call, a publicity list per call, plaques, ledgers with about
``20 × n`` entries, five years of activity reports, exit cases, subsidy audits and audit-trail events. It returns
a :class:`City` with the ids the page benchmark needs. Run inside a throw-away database.

The four large tables (ledger entries, audit events, activity reports, trained persons: about 500,000 rows at
10,000 workstations) are written with PostgreSQL's ``COPY`` (:func:`copy_rows`), which builds no model instances and
no SQL; the city of 10,000 is built in about a minute on a quiet 2-core machine (issue 21 item 5).
"""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

CALLS = 5
EXPERTS = 50
COUNTIES = 12


@dataclass
class City:
    size: int
    users: dict = field(default_factory=dict)  # role -> User
    ids: dict = field(default_factory=dict)  # name -> pk used in URLs
    counts: dict = field(default_factory=dict)


def _aware(day: date):
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def copy_rows(model, fields: list[str], rows) -> int:
    """Insert ``rows`` (tuples in the order of ``fields``) into ``model``'s table with ``COPY`` (PostgreSQL), or
    ``bulk_create`` elsewhere. The model's other columns get their field defaults (``auto_now_add``: now)."""
    from django.db import connection
    from django.utils import timezone

    rows = list(rows)
    if connection.vendor != "postgresql":  # a foreign key is given by its primary key: set its ``…_id`` attribute
        names = [model._meta.get_field(name).attname for name in fields]
        model.objects.bulk_create([model(**dict(zip(names, r, strict=True))) for r in rows], batch_size=2000)
        return len(rows)
    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    now = timezone.now()
    rest = []
    for f in meta.concrete_fields:
        if f.primary_key or f in given:
            continue
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            rest.append((f, now))
        elif f.null and not f.has_default():
            rest.append((f, None))
        else:
            rest.append((f, f.get_prep_value(f.get_default())))
    columns = ", ".join(f'"{f.column}"' for f in [*given, *(f for f, _ in rest)])
    tail = tuple(v for _, v in rest)
    with connection.cursor() as cursor, cursor.cursor.copy(f'COPY "{meta.db_table}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row + tail)
    return len(rows)


def build_city(n: int, today: date, *, prefix: str = "") -> City:
    from django.contrib.auth.hashers import make_password

    from applications.models import Application, Call, Mentor, Quota
    from portal.audit import AuditChainHead, AuditEvent
    from portal.crypto import blind_index
    from portal.models import Organisation, User
    from portal.roles import OrgKind
    from review.models import ExpertProfile, Panel, ReviewRound, RoundCandidate, RoundExpert
    from review.publicity.models import PublicityEntry, PublicityList
    from subsidies.models import Entry, Ledger
    from subsidies.models.audits import Audit, AuditAssignment
    from workstations.models import State, Workstation
    from workstations.models.exits import ExitCase
    from workstations.models.plaques import Plaque, format_plaque_number

    rng = random.Random(n)
    city = City(size=n)
    password = make_password("Bench@pass123")
    bureau = Organisation.objects.create(kind=OrgKind.CITY_BUREAU, name=f"{prefix}平顶山市人力资源和社会保障局")
    counties = Organisation.objects.bulk_create(
        [
            Organisation(
                kind=OrgKind.COUNTY_BUREAU, name=f"{prefix}县{i}人社局", short_name=f"县{i}", code=f"4104{i:02d}"
            )
            for i in range(COUNTIES)
        ]
    )
    hosts = Organisation.objects.bulk_create(
        [
            Organisation(
                kind=OrgKind.HOST_UNIT,
                name=f"{prefix}鹰城创业孵化基地{i}",
                county=counties[i % COUNTIES],
                host_type=Organisation.HostType.STARTUP_SERVICE,
            )
            for i in range(max(n // 2, 1))
        ]
    )
    pool = Organisation.objects.create(kind=OrgKind.EXPERT_POOL, name=f"{prefix}专家库")
    group = Organisation.objects.create(kind=OrgKind.DISCIPLINE_GROUP, name=f"{prefix}纪检监察组")
    firm = Organisation.objects.create(kind=OrgKind.AUDIT_FIRM, name=f"{prefix}会计师事务所")

    def user(name, org):
        return User(username=f"{prefix}{name}", full_name=name, organisation=org, password=password)

    staff, host_user, clerk, supervisor, auditor = User.objects.bulk_create(
        [
            user("staff", bureau),
            user("host", hosts[0]),
            user("clerk", counties[0]),
            user("supervisor", group),
            user("auditor", firm),
        ]
    )
    experts = User.objects.bulk_create([user(f"expert{i}", pool) for i in range(EXPERTS)])
    ExpertProfile.objects.bulk_create([ExpertProfile(user=e, field="创业指导", employer_text="高校") for e in experts])
    city.users = {
        "staff": staff,
        "host": host_user,
        "clerk": clerk,
        "expert": experts[0],
        "supervisor": supervisor,
        "auditor": auditor,
    }

    first_year = today.year - CALLS + 1
    calls = Call.objects.bulk_create(
        [
            Call(
                title=f"{prefix}{first_year + i}年度创业指导大师工作室申报",
                document_number=f"平人社〔{first_year + i}〕{i + 1}号",
                opens_on=date(first_year + i, 3, 1),
                closes_on=date(first_year + i, 4, 30) if i < CALLS - 1 else today + timedelta(days=30),
                grant_amount=Decimal("50000.00"),
                created_by=staff,
            )
            for i in range(CALLS)
        ]
    )
    Quota.objects.bulk_create([Quota(call=c, recommender=county, places=30) for c in calls for county in counties])

    per_call = max(n // CALLS, 1)
    old_states = [State.ACTIVE] * 17 + [State.RECTIFYING, State.DEREGISTERED, State.REVOKED]
    last_states = [State.SUBMITTED, State.RECOMMENDED, State.DRAFT, State.RETURNED, State.SUBMITTED]
    workstations, call_of = [], []
    for i in range(n):
        c = min(i // per_call, CALLS - 1)
        state = old_states[i % len(old_states)] if c < CALLS - 1 else last_states[i % len(last_states)]
        host = hosts[i % len(hosts)]
        certified = date(first_year + c, 7, 1) if c < CALLS - 1 else None
        workstations.append(
            Workstation(
                host_unit=host,
                recommender=host.county,
                lead_mentor_name=f"导师{i}",
                state=state,
                certified_on=certified,
            )
        )
        call_of.append(calls[c])
    workstations = Workstation.objects.bulk_create(workstations, batch_size=1000)
    mentors = Mentor.objects.bulk_create(
        [
            Mentor(
                host_unit=ws.host_unit,
                name=ws.lead_mentor_name,
                id_number=f"41040219800101{i:04d}",
                id_number_index=blind_index(f"41040219800101{i:04d}"),
                phone="13800000000",
                years_of_service=12,
            )
            for i, ws in enumerate(workstations)
        ],
        batch_size=1000,
    )
    Application.objects.bulk_create(
        [
            Application(
                workstation=ws,
                call=c,
                lead_mentor=m,
                recommender=ws.recommender,
                contact_person="联系人",
                contact_phone="0375-2660000",
                site_address="平顶山市新华区",
                site_area=Decimal("120.00"),
                submitted_at=None if ws.state == State.DRAFT else _aware(c.opens_on + timedelta(days=10)),
            )
            for ws, c, m in zip(workstations, call_of, mentors, strict=True)
        ],
        batch_size=1000,
    )

    # One panel of 50 experts; a closed round with counts per earlier call.
    panel = Panel.objects.create(name=f"{prefix}评审专家组", created_by=staff)
    panel.members.set(experts)
    rounds = ReviewRound.objects.bulk_create(
        [
            ReviewRound(
                panel=panel,
                title=f"{first_year + i}年度评审",
                status=ReviewRound.Status.CLOSED,
                min_eligible=1,
                created_by=staff,
                opened_at=_aware(date(first_year + i, 5, 10)),
                closed_at=_aware(date(first_year + i, 5, 20)),
            )
            for i in range(CALLS - 1)
        ]
    )
    RoundExpert.objects.bulk_create([RoundExpert(round=r, expert=e) for r in rounds for e in experts])
    certified = [(ws, c) for ws, c in zip(workstations, call_of, strict=True) if ws.certified_on]
    round_of = {c.pk: rounds[i] for i, c in enumerate(calls[:-1])}
    RoundCandidate.objects.bulk_create(
        [
            RoundCandidate(
                round=round_of[c.pk],
                workstation=ws,
                outcome="passed",
                panel_size=EXPERTS,
                eligible=EXPERTS,
                approve=40,
                disapprove=6,
                abstain=4,
            )
            for ws, c in certified
        ],
        batch_size=1000,
    )
    lists = PublicityList.objects.bulk_create(
        [
            PublicityList(
                title=f"{first_year + i}年度拟认定名单公示",
                intro="现予以公示。",
                contact_office="就业促进科",
                contact_phone="0375-2660000",
                issuer="平顶山市人力资源和社会保障局",
                published_at=_aware(date(first_year + i, 6, 1)),
                first_day=date(first_year + i, 6, 2),
                last_day=date(first_year + i, 6, 8),
                closes_at=_aware(date(first_year + i, 6, 9)),
                published_by=staff,
                closed_at=_aware(date(first_year + i, 6, 9)),
            )
            for i in range(CALLS - 1)
        ]
    )
    list_of = {c.pk: lists[i] for i, c in enumerate(calls[:-1])}
    position: dict[int, int] = {}
    entries = []
    for ws, c in certified:
        pl = list_of[c.pk]
        position[pl.pk] = position.get(pl.pk, 0) + 1
        entries.append(
            PublicityEntry(
                publicity_list=pl,
                workstation=ws,
                position=position[pl.pk],
                workstation_name=f"平顶山市{ws.lead_mentor_name}创业指导大师工作室",
                host_unit_name=ws.host_unit.name,
                county_name=ws.host_unit.county.short_name,
                lead_mentor_name=ws.lead_mentor_name,
                outcome="cleared",
            )
        )
    PublicityEntry.objects.bulk_create(entries, batch_size=1000)
    plaques = Plaque.objects.bulk_create(
        [
            Plaque(
                workstation=ws,
                number=format_plaque_number(ws.certified_on.year, i + 1) + f"-{ws.pk}",
                name=f"平顶山市{ws.lead_mentor_name}创业指导大师工作室",
                issued_on=ws.certified_on,
                issued_by=staff,
                handed_over_to="负责人",
                handed_over_on=ws.certified_on,
                handed_over_by=staff,
            )
            for i, (ws, _c) in enumerate(certified)
        ],
        batch_size=1000,
    )

    # Ledgers: a city grant and a county grant, then expenditures, about 20 entries per certified workstation.
    ledgers = Ledger.objects.bulk_create([Ledger(workstation=ws) for ws, _c in certified], batch_size=1000)
    target = 20 * n
    ledger_entries = []
    categories = ["equipment", "training", "exchange", "other"]
    grant = Decimal("50000.00")
    for i in range(target):
        ledger = ledgers[i % len(ledgers)]
        ws = certified[i % len(certified)][0]
        k = i // len(ledgers)
        kind, sign, source, category = (
            ("city_grant", 1, "city", "")
            if k == 0
            else ("county_grant", 1, "county", "")
            if k == 1
            else ("expenditure", -1, "city" if k % 2 else "county", categories[k % 4])
        )
        ledger_entries.append(
            (
                ledger.pk,
                kind,
                source,
                category,
                grant if sign > 0 else Decimal(rng.randint(100, 2000)),
                sign,
                ws.certified_on + timedelta(days=k * 20),
                "支出" if sign < 0 else "拨付",
                staff.pk,
                sign < 0 and rng.random() < 0.02,
            )
        )
    fields = ["ledger", "kind", "source", "category", "amount", "sign", "date", "description", "recorded_by"]
    copy_rows(Entry, [*fields, "needs_review"], ledger_entries)

    exits = [ws for ws in workstations if ws.state in (State.DEREGISTERED, State.REVOKED, State.RECTIFYING)]
    ExitCase.objects.bulk_create(
        [
            ExitCase(
                workstation=ws,
                kind="natural" if ws.state == State.DEREGISTERED else "forced",
                ground="own_request" if ws.state == State.DEREGISTERED else "failed_rectification",
                facts="—",
                status="proposed" if ws.state == State.RECTIFYING else "confirmed",
                proposed_by=staff,
                decided_by=None if ws.state == State.RECTIFYING else staff,
                decided_at=None if ws.state == State.RECTIFYING else _aware(today - timedelta(days=30)),
            )
            for ws in exits
        ]
    )
    audit = Audit.objects.create(title="年度抽查", method="sample", firm=firm, created_by=staff, sample_size=10, seed=7)
    AuditAssignment.objects.bulk_create([AuditAssignment(audit=audit, ledger=ledger) for ledger in ledgers[::10]])

    events, prev = [], "0" * 64
    start = AuditChainHead.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    for i in range(5 * n):
        digest = hashlib.sha256(f"{prev}{i}".encode()).hexdigest()
        at = _aware(today - timedelta(days=(5 * n - i) % 365))
        events.append(
            (start + i + 1, at, staff.pk, "staff", "view", "workstation", str(workstations[i % n].pk), prev, digest)
        )
        prev = digest
    fields = ["seq", "at", "actor", "actor_name", "action", "object_type", "object_id", "prev_hash", "hash"]
    copy_rows(AuditEvent, fields, events)
    AuditChainHead.objects.update_or_create(pk=1, defaults={"seq": start + len(events), "hash": prev})

    _reports(workstations, host_user, today)
    from workstations.services.compliance_summary import rebuild as rebuild_compliance_summary

    rebuild_compliance_summary()  # bulk-loaded past the services: the board's summary rows (issue 21)

    own = [ws for ws in workstations if ws.host_unit_id == hosts[0].pk]
    active = next(ws for ws in own if ws.state == State.ACTIVE) if any(ws.state == State.ACTIVE for ws in own) else None
    active = active or next(ws for ws in workstations if ws.state == State.ACTIVE)
    from applications.models import Application as App

    city.ids = {
        "host_unit": hosts[0].pk,
        "county": counties[0].pk,
        "call": calls[-1].pk,
        "old_call": calls[-2].pk,
        "application": App.objects.get(workstation=active).pk,
        "workstation": active.pk,
        "round": rounds[-1].pk,
        "list": lists[-1].pk,
        "ledger_ws": active.pk,
        "audit": audit.pk,
        "plaque": plaques[0].pk,
    }
    city.counts = {
        "workstations": len(workstations),
        "ledger entries": len(ledger_entries),
        "plaques": len(plaques),
    }
    # The city is bulk-loaded past the services that keep the summary rows (issue 21 item 1): rebuild them, as an
    # operator does after any bulk load (docs/operations.md).
    from subsidies.summaries import rebuild as rebuild_ledger_sums

    rebuild_ledger_sums()
    return city


def _reports(workstations, submitter, today: date) -> int:
    """Activity reports every quarter since certification (as the former ``compliance_board.py``), about 5 years."""
    from django.utils import timezone

    from workstations.models.outcomes import ActivityKind, ActivityReport, ReportStatus, TrainedPerson
    from workstations.rules import compliance

    rng = random.Random(7)
    now = timezone.now()
    reports = []
    for ws in workstations:
        if not ws.certified_on:
            continue
        quarter = compliance.quarter_of(ws.certified_on)
        while quarter.start <= today:
            span = (min(quarter.end, today) - max(quarter.start, ws.certified_on)).days
            kinds = [ActivityKind.CONSULTATION] * (rng.random() < 0.9)
            kinds += [ActivityKind.THEMED] * (quarter.quarter in (2, 4))
            kinds += [ActivityKind.TRAINING] * (quarter.quarter == 3)
            for kind in kinds:
                reports.append(
                    (
                        ws.pk,
                        kind,
                        "park" if kind == ActivityKind.THEMED else "",
                        "活动",
                        max(quarter.start, ws.certified_on) + timedelta(days=rng.randint(0, max(span, 0))),
                        "平顶山",
                        30,
                        "—",
                        ReportStatus.REJECTED if rng.random() < 0.05 else ReportStatus.ACCEPTED,
                        submitter.pk,
                        now,
                    )
                )
            quarter = compliance.quarter_of(quarter.end + timedelta(days=1))
    fields = ["workstation", "kind", "setting", "title", "held_on", "place", "participant_count", "description"]
    copy_rows(ActivityReport, [*fields, "status", "submitted_by", "submitted_at"], reports)
    training = ActivityReport.objects.filter(kind=ActivityKind.TRAINING).values_list("pk", flat=True)
    copy_rows(TrainedPerson, ["report", "name"], [(pk, nm) for pk in training.iterator() for nm in ("甲", "乙")])
    return len(reports)
