"""Demo ledgers (SPEC §5): every operating demo workstation gets grants, expenditures with receipts, a reversal,
and one audit sample with findings assigned to the demo audit firm. Idempotent: a ledger with entries is left alone.
"""

import struct
import zlib
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.demo import World
from subsidies.models import Audit, Category, Entry, Finding, Kind, Ledger, Source
from subsidies.services import (
    assignment_conclude,
    audit_draw_sample,
    entry_record,
    entry_reverse,
    entry_review,
    finding_record,
)
from workstations.demo.lifecycle import COUNTY_CLERK, DEMO_WORKSTATIONS
from workstations.models import OPERATING_STATES

AUDIT_TITLE = "2026年度市级大众创业指导大师工作室补助资金抽检"
AUDIT_SEED = 20260511


def png_bytes(width: int = 8, height: int = 8) -> bytes:
    """A small valid PNG (a red square) to stand in for a scanned receipt."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xc0\x20\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def pdf_bytes(text: str = "Receipt") -> bytes:
    """A one-page valid PDF with a line of text."""
    stream = f"BT /F1 18 Tf 40 100 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def receipt(name: str):
    if name.endswith(".pdf"):
        return SimpleUploadedFile(name, pdf_bytes(name), content_type="application/pdf")
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


# (days ago, category, amount, description, explanation, receipt file name)
EXPENDITURES = [
    (150, Category.EQUIPMENT, "12800.00", "购置投影仪、音响等培训设备", "", "fapiao-shebei.pdf"),
    (120, Category.TRAINING, "8600.00", "创业服务骨干培训班（第一期）讲课费、资料费", "", "peixun.png"),
    (90, Category.EXCHANGE, "4200.00", "赴郑州参加创业导师技能交流活动差旅费", "", "jiaoliu.pdf"),
    (60, Category.OTHER, "1500.00", "工作室门头标识制作", "门头标识属于工作室场所建设必要支出", "biaoshi.png"),
    (30, Category.TRAINING, "6300.00", "创业服务骨干培训班（第二期）", "", "peixun2.pdf"),
]


def _ledger_for(world: World, lead: str) -> None:
    ws = world.data["workstations"][lead]
    if ws.state not in OPERATING_STATES:
        return
    ledger = Ledger.objects.filter(workstation=ws).first()
    if ledger is not None and ledger.entries.exists():
        return
    today = timezone.localdate()
    staff = world.users["staff"]
    host = world.users[next(login for name, login, _state in DEMO_WORKSTATIONS if name == lead)]
    clerk = world.users[COUNTY_CLERK[ws.county.short_name]]
    entry_record(
        workstation=ws,
        kind=Kind.CITY_GRANT,
        amount=Decimal("50000.00"),
        date=today - timedelta(days=200),
        description="市级大众创业指导大师工作室一次性补助",
        actor=staff,
        receipts=[receipt("bokuan-tongzhi.pdf")],
    )
    entry_record(
        workstation=ws,
        kind=Kind.COUNTY_GRANT,
        amount=Decimal("50000.00"),
        date=today - timedelta(days=180),
        description=f"{ws.county.short_name}配套补助",
        actor=clerk,
    )
    for days, category, amount, description, explanation, file_name in EXPENDITURES:
        entry = entry_record(
            workstation=ws,
            kind=Kind.EXPENDITURE,
            source=Source.CITY if category != Category.EXCHANGE else Source.COUNTY,
            category=category,
            amount=Decimal(amount),
            date=today - timedelta(days=days),
            description=description,
            explanation=explanation,
            receipts=[receipt(file_name)],
            actor=host,
        )
        if category == Category.OTHER and lead == "张伟":
            entry_review(entry=entry, outcome="accepted", note="属于场所建设必要支出，同意。", actor=staff)
    # A mistake and its correction: the amount was keyed twice, so the duplicate is reversed.
    duplicate = entry_record(
        workstation=ws,
        kind=Kind.EXPENDITURE,
        source=Source.CITY,
        category=Category.EQUIPMENT,
        amount=Decimal("12800.00"),
        date=today - timedelta(days=150),
        description="购置投影仪、音响等培训设备",
        receipts=[receipt("fapiao-shebei.pdf")],
        actor=host,
    )
    entry_reverse(entry=duplicate, reason="重复录入，冲销。", actor=host)
    if lead == "张伟":
        entry_record(
            workstation=ws,
            kind=Kind.AWARD,
            amount=Decimal("20000.00"),
            date=today - timedelta(days=20),
            description="年度评价优秀，以奖代补",
            reference="2025年度评价优秀",
            actor=staff,
        )


def _audit(world: World) -> None:
    if Audit.objects.filter(title=AUDIT_TITLE).exists():
        return
    audit = audit_draw_sample(
        title=AUDIT_TITLE, sample_size=2, seed=AUDIT_SEED, firm=world.orgs["auditor"], actor=world.users["staff"]
    )
    auditor = world.users["auditor"]
    first = audit.assignments.order_by("ledger_id").first()
    for entry in Entry.objects.filter(ledger=first.ledger, kind=Kind.EXPENDITURE).order_by("id"):
        verdict, note = Finding.Verdict.FINE, ""
        if entry.category == Category.OTHER:
            verdict, note = Finding.Verdict.QUESTION, "门头标识是否属于补助资金使用范围，请说明。"
        elif entry.category == Category.EXCHANGE:
            verdict, note = Finding.Verdict.MISUSE, "差旅票据中含与工作室无关的个人消费。"
        finding_record(assignment=first, entry=entry, verdict=verdict, note=note, actor=auditor)
    assignment_conclude(
        assignment=first,
        conclusion="补助资金总体按规定使用；技能交流支出中发现与工作室无关的个人消费，建议追回。",
        actor=auditor,
    )


def build(world: World) -> None:
    for lead, _login, _state in DEMO_WORKSTATIONS:
        _ledger_for(world, lead)
    _audit(world)
