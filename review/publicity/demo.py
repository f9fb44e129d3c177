"""Demo builder step (Art. 6(4)–(5)): past and open publicity lists, objections, confirmation documents.

The demo workstations already stand in their states (``workstations.demo.lifecycle``); this
step lays down the publicity and
confirmation records that brought them there, directly, without running transitions again. Idempotent: lists and
documents are found by title and left alone when they exist.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.documents.models import OfficialDocument
from portal.documents.services import document_issue
from portal.workdays.services import CalendarNotCovered, publicity_window
from review.publicity.confirmation import (
    CONFIRMATION_ADDRESSEES,
    cleared_on,
    confirmation_body,
    confirmation_title,
)
from review.publicity.forms import DEFAULT_INTRO
from review.publicity.models import ConfirmationEntry, Objection, PublicityEntry, PublicityList, tracking_hash
from workstations.services import compliance_summary

TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)
CONTACT = {"contact_office": "市人力资源和社会保障局就业促进科", "contact_phone": "0375-2660000"}

PAST_2025 = {
    "title": "2025年度平顶山市大众创业指导大师工作室拟认定名单公示",
    "published": dt.datetime(2025, 5, 20, 9, 0, tzinfo=TZ),
    "leads": ["张伟", "李娜", "王磊", "刘洋", "何军", "林峰", "郭敏"],
    "document_title": "关于认定2025年度平顶山市大众创业指导大师工作室的通知",
    "document_on": dt.date(2025, 6, 6),
    # Numbers as the office assigned them: after the call (平人社〔2025〕18号), in the order of their dates.
    "document_seq": 41,
    "document_leads": ["张伟", "李娜", "王磊", "刘洋", "何军", "林峰"],
}
PAST_2026 = {
    "title": "2026年度第一批平顶山市大众创业指导大师工作室拟认定名单公示",
    "published": dt.datetime(2026, 9, 15, 9, 0, tzinfo=TZ),
    "leads": ["陈静", "杨帆"],
    "document_title": "关于认定2026年度第一批平顶山市大众创业指导大师工作室的通知",
    "document_on": dt.date(2026, 10, 16),
    # After the 2026 exits (〔2026〕3号, 5号) and before the call of 〔2026〕9号 issued later in October.
    "document_seq": 8,
    "document_leads": ["陈静"],
}
OPEN_TITLE = "2026年度第二批平顶山市大众创业指导大师工作室拟认定名单公示"
# Issue 15: a published list is corrected only by withdrawing it, with a reason shown publicly.
WITHDRAWN_TITLE = "2026年度第二批平顶山市大众创业指导大师工作室拟认定名单公示（已撤回）"
WITHDRAWN_REASON = "名单中黄磊大众创业指导大师工作室的所在单位名称有误，现予撤回，更正后重新公示。"

# (tracking code, lead, status, name, phone, facts, investigation, reason). Tracking codes are printed by seed_demo.
OBJECTIONS = [
    (
        "DEMO-2025-0001",
        "王磊",
        Objection.Status.DISMISSED,
        "李明",
        "13803751234",
        "反映该工作室申报材料中所列的年度创业培训人次与实际开展情况不符，培训记录可能存在重复统计。",
        "调取了2024年培训签到表和结业证书发放记录，逐一核对学员名单，未发现重复统计。",
        "经核查，该工作室2024年培训记录、签到表与结业名单一致，反映的问题不属实，不影响认定。",
    ),
    (
        "DEMO-2025-0002",
        "郭敏",
        Objection.Status.UPHELD,
        "周红",
        "13937561234",
        "反映该工作室领衔导师申报材料中的市级表彰证书并非本人所获，与实际不符。",
        "向发证单位函询，确认该证书获得者为他人。",
        "经核实，申报材料中的获奖证书与实际不符，反映问题属实，不予认定。",
    ),
    (
        "DEMO-2026-0003",
        "赵敏",
        Objection.Status.RECEIVED,
        "陈刚",
        "15937501234",
        "反映该工作室所在孵化基地的场地已于今年转租他用，工作室实际没有固定办公场所。",
        "",
        "",
    ),
]


def _make_list(world, *, title, published, leads, outcome_for) -> PublicityList | None:
    existing = PublicityList.objects.filter(title=title).first()
    if existing is not None:
        return existing
    try:
        window = publicity_window(published)
    except CalendarNotCovered:
        return None
    staff = world.users["staff"]
    publicity_list = PublicityList.objects.create(
        title=title,
        intro=DEFAULT_INTRO,
        contact_address="平顶山市新华区",
        issuer=settings.ISSUING_AUTHORITY,
        published_at=published,
        recorded_at=published,
        first_day=window.first_day,
        last_day=window.last_day,
        closes_at=window.closes_at,
        published_by=staff,
        closed_at=window.closes_at if window.closes_at <= timezone.now() else None,
        **CONTACT,
    )
    for position, lead in enumerate(leads, start=1):
        ws = world.data["workstations"][lead]
        county = ws.county
        PublicityEntry.objects.create(
            publicity_list=publicity_list,
            workstation=ws,
            position=position,
            workstation_name=ws.name,
            host_unit_name=ws.host_unit.name,
            county_name=county.display_short if county else "",
            lead_mentor_name=ws.lead_mentor_name,
            outcome=outcome_for(lead),
        )
    return publicity_list


def _latest_working_day(today: dt.date) -> dt.date | None:
    from portal.workdays.models import CalendarDay

    return (
        CalendarDay.objects.filter(date__lte=today, date__gte=today - dt.timedelta(days=20), is_working_day=True)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )


def _open_list_published() -> dt.datetime:
    """Published the day before the latest working day, so the window has begun whenever the demo is built."""
    first = _latest_working_day(timezone.localdate()) or timezone.localdate()
    return dt.datetime.combine(first - dt.timedelta(days=1), dt.time(9, 0), tzinfo=TZ)


def _filed_inside_window(publicity_list: PublicityList) -> dt.datetime:
    """Issue 15: a demo objection is dated inside its window (from the first day of publicity, before it closes)."""
    opens = dt.datetime.combine(publicity_list.first_day, dt.time(0, 0), tzinfo=TZ)
    filed = opens + dt.timedelta(hours=10)
    latest = min(timezone.now(), publicity_list.closes_at) - dt.timedelta(minutes=5)
    return max(opens + dt.timedelta(minutes=1), min(filed, latest))


def _withdrawn_list(world) -> None:
    """A list withdrawn two days after publication; its candidate (黄磊) waits in ``review_passed`` for a new one."""
    from workstations.models import State, TransitionLog

    ws = world.data["workstations"].get("黄磊")
    if ws is None or ws.state != State.REVIEW_PASSED or PublicityList.objects.filter(title=WITHDRAWN_TITLE).exists():
        return
    published = _open_list_published() - dt.timedelta(days=7)
    publicity_list = _make_list(
        world, title=WITHDRAWN_TITLE, published=published, leads=["黄磊"], outcome_for=lambda lead: "withdrawn"
    )
    if publicity_list is None:
        return
    staff = world.users["staff"]
    withdrawn_at = published + dt.timedelta(days=2)
    PublicityList.objects.filter(pk=publicity_list.pk).update(
        withdrawn_at=withdrawn_at, withdrawn_by=staff, withdrawal_reason=WITHDRAWN_REASON, closed_at=None
    )
    for transition, from_state, to_state, reason in [
        ("publish", State.REVIEW_PASSED, State.IN_PUBLICITY, WITHDRAWN_TITLE),
        ("withdraw_publicity", State.IN_PUBLICITY, State.REVIEW_PASSED, WITHDRAWN_REASON),
    ]:
        TransitionLog.objects.create(
            workstation=ws, transition=transition, from_state=from_state, to_state=to_state, actor=staff, reason=reason
        )


def _outcome(lead: str) -> str:
    if lead == "郭敏":
        return PublicityEntry.Outcome.NOT_RECOGNISED
    if lead == "赵敏":
        return PublicityEntry.Outcome.PENDING
    return PublicityEntry.Outcome.CLEARED


def _make_document(world, *, title, issued_on, seq, leads) -> None:
    if OfficialDocument.objects.filter(title=title).exists():
        return
    workstations = [world.data["workstations"][lead] for lead in leads]
    with transaction.atomic():
        document = document_issue(
            kind=OfficialDocument.Kind.CONFIRMATION,
            title=title,
            addressees=CONFIRMATION_ADDRESSEES,
            body=confirmation_body(
                workstations, issued_on.year, issued_on, default_title=title == confirmation_title(issued_on.year)
            ),
            actor=world.users["staff"],
            seq=seq,
            issued_on=issued_on,
            decided_on=cleared_on(workstations),
        )
        for position, ws in enumerate(workstations, start=1):
            ConfirmationEntry.objects.get_or_create(
                workstation=ws, defaults={"document": document, "position": position}
            )
            type(ws).objects.filter(pk=ws.pk).update(certified_on=issued_on)
            compliance_summary.refresh(ws.pk)  # issue 21: the board's summary rows


def build(world) -> None:
    with transaction.atomic():
        lists = [
            _make_list(
                world,
                title=PAST_2025["title"],
                published=PAST_2025["published"],
                leads=PAST_2025["leads"],
                outcome_for=_outcome,
            ),
            _make_list(
                world,
                title=PAST_2026["title"],
                published=PAST_2026["published"],
                leads=PAST_2026["leads"],
                outcome_for=_outcome,
            ),
            # Open now: its window has begun whenever the demo is built (if the calendar covers it).
            _make_list(
                world,
                title=OPEN_TITLE,
                published=_open_list_published(),
                leads=["赵敏"],
                outcome_for=_outcome,
            ),
        ]
        entries = {
            e.workstation.lead_mentor_name: e
            for e in PublicityEntry.objects.filter(publicity_list__in=[pl for pl in lists if pl]).select_related(
                "workstation", "publicity_list"
            )
        }
        for code, lead, status, name, phone, facts, investigation, reason in OBJECTIONS:
            entry = entries.get(lead)
            if entry is None or Objection.objects.filter(tracking_hash=tracking_hash(code)).exists():
                continue
            filed_at = _filed_inside_window(entry.publicity_list)
            decided = status not in Objection.UNRESOLVED
            Objection.objects.create(
                entry=entry,
                tracking_hash=tracking_hash(code),
                objector_name=name,
                objector_phone=phone,
                facts=facts,
                filed_at=filed_at,
                status=status,
                investigation=investigation,
                investigated_by=world.users["staff"] if investigation else None,
                decision_reason=reason,
                decided_at=filed_at + dt.timedelta(days=3) if decided else None,
                decided_by=world.users["staff"] if decided else None,
            )
    _withdrawn_list(world)
    for spec in (PAST_2025, PAST_2026):
        _make_document(
            world,
            title=spec["document_title"],
            issued_on=spec["document_on"],
            seq=spec["document_seq"],
            leads=spec["document_leads"],
        )
    world.data["objection_tracking_codes"] = [code for code, *_ in OBJECTIONS]
