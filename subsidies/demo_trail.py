"""Demo money trail (issue 18): payment records for the operating workstations' city grants (one county grant left
unpaid, to show the warning), and 林峰's revoked workstation with its grant, spending, the claw-back after the
revocation and the closed ledger.

Idempotent. The revoked workstation's past is laid down directly: the services refuse grants to a revoked
workstation, which is the rule, not the demo's history.
"""

from datetime import date, datetime, time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from portal.demo import World
from portal.models import User
from portal.uploads import store_upload
from subsidies import summaries
from subsidies.demo import receipt
from subsidies.models import Category, Entry, EntryReceipt, Kind, Ledger, Source
from subsidies.models.trail import Channel, Disbursement, LedgerClosure
from workstations.models import OPERATING_STATES

REVOKED_LEAD = "林峰"


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def _payments(world: World) -> None:
    staff = world.users["staff"]
    for lead, ws in world.data.get("workstations", {}).items():
        if ws.state not in OPERATING_STATES:
            continue
        grant = Entry.objects.filter(ledger__workstation=ws, kind=Kind.CITY_GRANT, reversed_by__isnull=True).first()
        if grant is None or Disbursement.objects.filter(entry=grant).exists():
            continue
        Disbursement.objects.create(
            entry=grant,
            channel=Channel.CITY_EMPLOYMENT,
            document_number=f"平人社财〔{grant.date.year}〕{10 + ws.pk}号",
            paid_on=grant.date,
            account=f"{ws.host_unit.name}基本户",
            recorded_by=staff,
        )
        if lead == "张伟":
            county = Entry.objects.filter(ledger__workstation=ws, kind=Kind.COUNTY_GRANT).first()
            clerk = county.recorded_by if county else None
            if county is not None and not Disbursement.objects.filter(entry=county).exists():
                Disbursement.objects.create(
                    entry=county,
                    channel=Channel.COUNTY_EMPLOYMENT,
                    document_number=f"新人社财〔{county.date.year}〕5号",
                    paid_on=county.date,
                    recorded_by=clerk,
                )


def _entry(ledger, kind, source, amount, day, description, actor: User, sign, category="") -> Entry:
    entry = Entry.objects.create(
        ledger=ledger,
        kind=kind,
        source=source,
        category=category,
        amount=Decimal(amount),
        sign=sign,
        date=day,
        description=description,
        recorded_by=actor,
    )
    summaries.entry_added(entry, ledger.workstation)  # issue 21
    return entry


def _closed_after_exit(world: World) -> None:
    ws = world.data.get("workstations", {}).get(REVOKED_LEAD)
    if ws is None or Ledger.objects.filter(workstation=ws).exists():
        return
    staff, staff2 = world.users["staff"], world.users["staff2"]
    host = ws.host_unit.users.order_by("id").first()
    ledger = Ledger.objects.create(workstation=ws)
    grant = _entry(ledger, Kind.CITY_GRANT, Source.CITY, "50000.00", date(2025, 6, 20), "市级一次性补助", staff, 1)
    Disbursement.objects.create(
        entry=grant,
        channel=Channel.CITY_EMPLOYMENT,
        document_number="平人社财〔2025〕31号",
        paid_on=date(2025, 6, 27),
        recorded_by=staff,
    )
    spent = _entry(
        ledger,
        Kind.EXPENDITURE,
        Source.CITY,
        "12000.00",
        date(2025, 9, 12),
        "购置培训用投影设备",
        host,
        -1,
        category=Category.EQUIPMENT,
    )
    EntryReceipt.objects.create(entry=spent, file=store_upload(uploaded=receipt("fapiao-touying.png"), actor=host))
    _entry(
        ledger,
        Kind.CLAWBACK,
        Source.CITY,
        "38000.00",
        date(2026, 5, 12),
        "依据撤销决定收回尚未使用的财政补助资金（平人社〔2026〕撤销决定）",
        staff,
        -1,
    )
    LedgerClosure.objects.create(
        ledger=ledger, outstanding=Decimal("0.00"), note="尚未使用的补助资金已全部收回。", closed_by=staff2
    )


def build(world: World) -> None:
    with transaction.atomic():
        _payments(world)
        _closed_after_exit(world)
