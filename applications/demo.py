"""Demo world, part three (after workstations.demo.lifecycle):
calls, mentors, an application for every demo workstation.

Idempotent: calls are keyed by document number, mentors by (host unit, ID-number index), applications by workstation;
materials are added only to an application that has none.
"""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications.models import Application, ApplicationSnapshot, Call, Material, Mentor, Quota, SiteVisit, StaffMember
from applications.samples import pdf_bytes, png_bytes
from applications.terms import QUOTA_STATES
from portal.crypto import blind_index
from portal.demo import World
from portal.documents.models import DocumentNumber
from portal.documents.services import number_register_text
from portal.idcard import make_id_number
from portal.roles import OrgKind
from portal.uploads import store_upload
from workstations.models import State

PAST_CALL = {
    "document_number": "平人社〔2025〕18号",
    "title": "2025年度平顶山市大众创业指导大师工作室认定申报",
    "opens_on": dt.date(2025, 3, 3),
    "closes_on": dt.date(2025, 4, 30),
    "recommendation_deadline": dt.date(2025, 5, 20),
}
OPEN_CALL_NUMBER = "平人社〔2026〕9号"
CONDITIONS = (
    "申报单位为市域内创业服务机构、高等院校、人力资源服务机构；符合《平顶山市大众创业指导大师工作室认定管理办法》"
    "第五条规定的条件；按第七条报送申报材料（一式两份）。"
)
# States whose application belongs to the open 2026 call; every later state came through the 2025 call.
OPEN_CALL_STATES = {
    State.DRAFT,
    State.SUBMITTED,
    State.RETURNED,
    State.RECOMMENDED,
    State.NOT_RECOMMENDED,
    State.QUALIFIED,
    State.INELIGIBLE,
}
FURTHER_MENTORS = ["高远", "宋佳", "韩雪", "冯晨", "曹阳", "彭丽", "曾凡", "谢宁", "邓超", "许静", "傅强", "沈悦"]
STAFF_NAMES = ["田甜", "罗斌", "梁欣", "薛敏", "唐亮", "董洁"]


def _calls(world: World) -> tuple[Call, Call]:
    today = timezone.localdate()
    past, _ = Call.objects.update_or_create(
        document_number=PAST_CALL["document_number"],
        defaults={**PAST_CALL, "conditions": CONDITIONS, "grant_amount": Decimal("50000.00")},
    )
    closes_on = max(dt.date(2026, 12, 31), today + dt.timedelta(days=30))
    current, _ = Call.objects.update_or_create(
        document_number=OPEN_CALL_NUMBER,
        defaults={
            "title": "2026年度平顶山市大众创业指导大师工作室认定申报",
            "opens_on": min(dt.date(2026, 11, 2), today - dt.timedelta(days=7)),
            "closes_on": closes_on,
            "recommendation_deadline": closes_on + dt.timedelta(days=15),
            "conditions": CONDITIONS,
            "grant_amount": Decimal("50000.00"),
            "closed_at": None,
        },
    )
    for call in (past, current):
        if not DocumentNumber.objects.filter(number=call.document_number).exists():
            number_register_text(kind="call", number=call.document_number, actor=None)
        for org in world.orgs.values():
            if org.kind in (OrgKind.COUNTY_BUREAU, OrgKind.UNIVERSITY):
                places = 2 if org.kind == OrgKind.COUNTY_BUREAU else 1
                Quota.objects.get_or_create(call=call, recommender=org, defaults={"places": places})
    world.data["calls"] = {"past": past, "open": current}
    return past, current


def _mentor(host, name: str, seq: int, *, years: int = 8, **extra) -> Mentor:
    region = host.county.code if host.county and host.county.code.isdigit() else "410402"
    id_number = make_id_number(region, dt.date(1970 + seq % 20, 1 + seq % 12, 1 + seq % 27), 100 + seq)
    mentor, _created = Mentor.objects.get_or_create(
        host_unit=host,
        id_number_index=blind_index(id_number),
        defaults={
            "name": name,
            "id_number": id_number,
            "phone": f"139{37500000 + seq:08d}",
            "position": "创业指导师",
            "years_of_service": years,
            "certificates": extra.get("certificates", "创业培训讲师（SYB）职业资格证书"),
            "commendations": extra.get("commendations", ""),
            "achievements": extra.get("achievements", "近三年辅导创业项目120余个，带动就业800余人。"),
            "declares_constitution": True,
            "declares_conduct": True,
            "declares_lawful": True,
            "declares_voluntary": True,
            "declares_fit": True,
        },
    )
    return mentor


def _materials(application: Application, world: World, host_login: str) -> None:
    """Art. 7(2)–(3): for every mentor an ID card and a scan per certificate and commendation claimed (with its
    level), the signed report, and the county's recognition document where one is recorded. Idempotent by title."""
    actor = world.users[host_login]
    have = set(application.materials.values_list("title", flat=True))
    wanted = []
    for mentor in application.mentors.all():
        wanted.append((Material.Kind.ID_CARD, f"{mentor.name}身份证", "id-card.png", png_bytes(), mentor, ""))
        for claim in mentor.certificate_claims:
            wanted.append(
                (Material.Kind.CERTIFICATE, f"{mentor.name}{claim}", "certificate.pdf", pdf_bytes("Cert"), mentor, "")
            )
        for claim in mentor.commendation_claims:
            wanted.append(
                (
                    Material.Kind.HONOUR,
                    f"{mentor.name}{claim}",
                    "honour.pdf",
                    pdf_bytes("Honour"),
                    mentor,
                    Material.Level.CITY,
                )
            )
    wanted.append((Material.Kind.REPORT, "申报单位申请报告（盖章）", "report.pdf", pdf_bytes("Report"), None, ""))
    if application.county_recognition_number:
        wanted.append(
            (Material.Kind.COUNTY_RECOGNITION, "县级工作室认定文件", "county.pdf", pdf_bytes("County"), None, "")
        )
    for kind, title, name, content, mentor, level in wanted:
        if title in have:
            continue
        stored = store_upload(uploaded=SimpleUploadedFile(name, content), actor=actor)
        Material.objects.create(
            application=application, mentor=mentor, kind=kind, title=title, level=level, file=stored
        )


def _declared(application: Application, world: World, host_login: str) -> None:
    """Every application that left the draft has its submitted version (snapshot); recommended ones the county's
    opinion; the candidates in the qualification check a site visit."""
    from applications.declared import snapshot_data

    state = application.workstation.state
    if state == State.DRAFT:
        return
    if not application.snapshots.exists():
        application = Application.objects.with_related().get(pk=application.pk)
        ApplicationSnapshot.objects.create(
            application=application,
            version=1,
            submitted_at=application.submitted_at or application.workstation.created_at,
            submitted_by=world.users.get(host_login),
            data=snapshot_data(application),
        )
    if state in QUOTA_STATES and not application.recommendation_opinion:
        Application.objects.filter(pk=application.pk).update(
            recommendation_opinion="经审核，申报材料真实完整，导师团队符合条件，同意推荐。"
        )
    if state in (State.QUALIFIED, State.INELIGIBLE) and not application.site_visits.exists():
        SiteVisit.objects.create(
            application=application,
            visited_on=timezone.localdate() - dt.timedelta(days=3),
            people="王建国、李晓梅",
            findings="场地、设备与申报一致。" if state == State.QUALIFIED else "申报的培训场地为临时借用，设备未到位。",
            recorded_by=world.users["staff"],
        )


def build(world: World) -> None:
    from workstations.demo.lifecycle import DEMO_WORKSTATIONS

    past, current = _calls(world)
    host_logins = {lead: login for lead, login, _state in DEMO_WORKSTATIONS}
    for seq, (lead_name, workstation) in enumerate(world.data.get("workstations", {}).items(), start=1):
        host = workstation.host_unit
        state = workstation.state
        call = current if state in OPEN_CALL_STATES else past
        lead = _mentor(host, lead_name, seq * 10, years=5 + seq % 9, commendations="平顶山市创业工作先进个人")
        further = [_mentor(host, FURTHER_MENTORS[(seq + i) % len(FURTHER_MENTORS)], seq * 10 + i + 1) for i in (0, 1)]
        complete = state != State.DRAFT
        # Art. 6(2): a non-university host unit reaches the county's list as a county-level workstation; every
        # other demo unit has recorded its county recognition, the rest show "needs judgement".
        recognised = host.host_type != "university" and seq % 2 == 1
        application, created = Application.objects.get_or_create(
            workstation=workstation,
            defaults={
                "call": call,
                "host_type": host.host_type,
                "county_recognition_county": host.county if recognised else None,
                "county_recognition_number": f"{host.county.short_name}人社〔2024〕{seq}号" if recognised else "",
                "county_recognition_date": dt.date(2024, 6, 1) if recognised else None,
                "lead_mentor": lead,
                "recommender": workstation.recommender,
                "unit_profile": f"{host.name}是{host.county.short_name if host.county else ''}重点创业服务载体。",
                "address": host.address,
                "contact_person": "张敏",
                "contact_phone": f"137{37500000 + seq:08d}",
                "statement_policy_publicity": "每季度组织创业政策宣讲，在园区公众号常设政策专栏。" if complete else "",
                "statement_policy_implementation": "协助入驻企业申请创业担保贷款和一次性创业补贴。" if complete else "",
                "statement_talent_system": "制定创业导师聘任、考核和激励办法，每年评选优秀导师。" if complete else "",
                "report_profile": f"领衔创业导师{lead_name}从事创业服务工作多年，业绩突出。",
                "report_necessity": "本地创业需求旺盛，单位具备导师团队和孵化场地优势。" if complete else "",
                "report_management": "建立例会、台账、考核制度；三年内培养创业服务骨干6名。" if complete else "",
                "report_site": "提供独立办公和培训场地200平方米。" if complete else "",
                "report_talent": "实行导师结对培养，支持导师参加省市培训。" if complete else "",
                "site_address": f"{host.address}创业大厦3楼",
                "site_area": Decimal("200.0"),
                "equipment": "电脑12台、投影仪2台、直播设备1套",
                "site_provided": complete,
                "submitted_at": None if state == State.DRAFT else workstation.created_at,
            },
        )
        if created:
            application.mentors.add(lead, *further)
            # The returned demo application was sent back for too few staff: it has four.
            for i in range(4 if state == State.RETURNED else 5):
                StaffMember.objects.create(
                    application=application,
                    name=STAFF_NAMES[(seq + i) % len(STAFF_NAMES)],
                    position="工作人员",
                    order=i,
                )
        _materials(application, world, host_logins.get(lead_name, ""))
        _declared(application, world, host_logins.get(lead_name, ""))
    _rank(past)
    _rank(current)


def _rank(call: Call) -> None:
    """Rank the recommended candidates of each recommender in order of creation (idempotent)."""
    ranked: dict[int, int] = {}
    for application in (
        Application.objects.filter(call=call, workstation__state__in=QUOTA_STATES)
        .select_related("workstation")
        .order_by("id")
    ):
        key = application.workstation.recommender_id
        ranked[key] = ranked.get(key, 0) + 1
        if application.rank != ranked[key]:
            Application.objects.filter(pk=application.pk).update(
                rank=ranked[key], recommended_at=application.recommended_at or application.workstation.created_at
            )
