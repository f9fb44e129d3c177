"""Factories for calls, mentors and complete applications."""

import datetime as dt
import io
import struct
import zlib
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications.models import Application, Call, Mentor, Quota, StaffMember
from portal.crypto import blind_index
from portal.idcard import make_id_number
from tests import factories
from workstations.models import Workstation


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    title = factory.Sequence(lambda n: f"2026年度大众创业指导大师工作室认定申报{n}")
    document_number = factory.Sequence(lambda n: f"平人社〔2026〕{n + 1}号")
    conditions = "符合《办法》第五条规定的条件。"
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=20))
    grant_amount = Decimal("50000.00")


class QuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quota

    call = factory.SubFactory(CallFactory)
    recommender = factory.SubFactory(factories.CountyFactory)
    places = 2


class MentorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentor

    host_unit = factory.SubFactory(factories.HostUnitFactory)
    name = factory.Sequence(lambda n: f"导师{n}")
    id_number = factory.Sequence(lambda n: make_id_number("410402", dt.date(1980, 1, 1), n % 1000))
    id_number_index = factory.LazyAttribute(lambda m: blind_index(m.id_number))
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    position = "创业指导师"
    years_of_service = 8
    certificates = "创业培训讲师职业资格证书"
    declares_constitution = True
    declares_conduct = True
    declares_lawful = True
    declares_voluntary = True
    declares_fit = True


def make_application(
    *, host_unit, call=None, state="draft", mentors=2, staff=5, lead=None, complete=True, materials=None
):
    """An application that passes every hard check (with the defaults), in ``state``; with ``materials`` (default:
    when complete) the required scans of Art. 7 are attached: an ID card and a certificate per mentor, the report."""
    call = call or CallFactory()
    ws = Workstation.objects.create(host_unit=host_unit, recommender=host_unit.county, state=state)
    lead = lead or MentorFactory(host_unit=host_unit, name="张伟")
    ws.lead_mentor_name = lead.name
    ws.save(update_fields=["lead_mentor_name"])
    fields = {}
    if complete:
        fields = {
            "host_type": host_unit.host_type or "startup_service",
            "unit_profile": "市级创业孵化基地。",
            "address": "平顶山市新华区建设路1号",
            "contact_person": "李主任",
            "contact_phone": "13812345678",
            "statement_policy_publicity": "定期开展政策宣讲。",
            "statement_policy_implementation": "协调落实创业担保贷款。",
            "statement_talent_system": "建立导师评价激励制度。",
            "report_profile": "导师简介。",
            "report_necessity": "必要性。",
            "report_management": "管理制度。",
            "report_site": "场地说明。",
            "report_talent": "人才措施。",
            "site_address": "建设路1号3楼",
            "site_area": Decimal("120.0"),
            "equipment": "电脑10台、投影仪2台",
            "site_provided": True,
        }
    application = Application.objects.create(
        workstation=ws, call=call, lead_mentor=lead, recommender=host_unit.county, **fields
    )
    application.mentors.add(lead, *[MentorFactory(host_unit=host_unit) for _ in range(mentors)])
    for i in range(staff):
        StaffMember.objects.create(application=application, name=f"工作人员{i}", position="干事", order=i)
    if materials if materials is not None else complete:
        attach_required_materials(application)
    return application


def attach_material(application, *, kind, mentor=None, level="", title=None):
    from applications.models import Material
    from portal.uploads import store_upload

    stored = store_upload(uploaded=upload(f"{kind}.png", png_bytes()), actor=None)
    return Material.objects.create(
        application=application, mentor=mentor, kind=kind, level=level, title=title or f"{kind}", file=stored
    )


def attach_required_materials(application) -> None:
    """Art. 7: for every mentor an ID card and one scan per certificate and commendation claimed; the report."""
    from applications.models import Material

    for mentor in application.mentors.all():
        attach_material(application, kind=Material.Kind.ID_CARD, mentor=mentor, title=f"{mentor.name}身份证")
        for claim in mentor.certificate_claims:
            attach_material(application, kind=Material.Kind.CERTIFICATE, mentor=mentor, title=claim)
        for claim in mentor.commendation_claims:
            attach_material(application, kind=Material.Kind.HONOUR, mentor=mentor, level="city", title=claim)
    attach_material(application, kind=Material.Kind.REPORT, title="申请报告")


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A small valid PNG image."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
