"""Demo terms (issue 18): every recognised workstation's term from its certification, a workstation renewed after a
passed end-of-term evaluation (宋佳, with its new plan), one whose term ends within 90 days and is flagged to staff
(韩冰), county bureaus' annual opinions, and Art. 4 service records.

Idempotent. Rows of the past are laid down directly (as in ``workstations.demo.lifecycle``), because the services refuse
back-dated actions that the demo history needs; today's flags are raised by the real job.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from portal.demo import World
from workstations.demo.lifecycle import COUNTY_CLERK, PATHS
from workstations.models import RECOGNISED_STATES, State, TransitionLog, Workstation
from workstations.models.county import CountyOpinion
from workstations.models.evaluations import Evaluation, EvaluationKind, EvaluationResult, Grade
from workstations.models.outcomes import WorkPlan
from workstations.models.terms import Term, TermBasis, TermOutcome
from workstations.services import compliance_summary
from workstations.services.evaluations import default_rubric
from workstations.services.lifecycle import workstation_create
from workstations.services.terms import PLAN_DUE_DAYS, term_end_for, term_flags_check, term_years

RENEWED = ("宋佳", "host3", date(2022, 6, 10), "平人社〔2022〕15号", "平人社〔2025〕21号", date(2025, 5, 30))
ENDING_SOON = ("韩冰", "host4")
OPINIONS = {
    "张伟": [
        (2025, Decimal("92.0"), "工作室场地设备保障到位，进园区、进社区活动开展扎实，县级评审优秀。"),
        (2026, None, "上半年跟踪指导返乡创业项目12个，配套资金使用规范，建议继续支持。"),
    ],
    "李娜": [(2025, Decimal("84.0"), "骨干培养成效较好，政策咨询活动覆盖面有待扩大。")],
}


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def _term(ws, number, starts_on, basis, reference, decided_on, **extra) -> Term:
    years = term_years()
    term, _created = Term.objects.get_or_create(
        workstation=ws,
        number=number,
        defaults={
            "starts_on": starts_on,
            "ends_on": term_end_for(starts_on, years),
            "years": years,
            "basis": basis,
            "decision_reference": reference,
            "decided_on": decided_on,
            "plan_due_on": max(starts_on, decided_on) + timedelta(days=PLAN_DUE_DAYS),
            **extra,
        },
    )
    return term


def _first_terms() -> None:
    for ws in Workstation.objects.filter(certified_on__isnull=False, terms__isnull=True):
        log = ws.transitions.filter(transition="certify").order_by("-at").first()
        _term(ws, 1, ws.certified_on, TermBasis.CERTIFICATION, log.reason if log else "", ws.certified_on)


def _active_workstation(world: World, lead: str, host_login: str, certified_on: date) -> Workstation:
    host = world.orgs[host_login]
    ws = Workstation.objects.filter(host_unit=host, lead_mentor_name=lead).first()
    if ws is None:
        ws = workstation_create(host_unit=host, lead_mentor_name=lead, state=State.ACTIVE)
        actors = {
            "host": world.users[host_login],
            "clerk": world.users[COUNTY_CLERK[host.county.short_name]],
            "staff": world.users["staff"],
            None: None,
        }
        from_state = State.DRAFT
        for name, to_state, actor_key, reason in PATHS[State.ACTIVE]:
            TransitionLog.objects.create(
                workstation=ws,
                transition=name,
                from_state=from_state,
                to_state=to_state,
                actor=actors[actor_key],
                reason=reason,
            )
            from_state = to_state
        Workstation.objects.filter(pk=ws.pk).update(certified_on=certified_on)
        compliance_summary.refresh(ws.pk)  # issue 21: the board's summary rows
        ws.refresh_from_db()
    world.data.setdefault("workstations", {})[lead] = ws
    return ws


def _renewed(world: World) -> None:
    lead, host_login, certified_on, first_doc, renewal_doc, decided_on = RENEWED
    ws = _active_workstation(world, lead, host_login, certified_on)
    if ws.terms.filter(number=2).exists():
        return
    staff, host_user = world.users["staff"], world.users[host_login]
    term1 = _term(ws, 1, certified_on, TermBasis.CERTIFICATION, first_doc, certified_on)
    evaluation, _created = Evaluation.objects.get_or_create(
        year=term1.ends_on.year,
        kind=EvaluationKind.END_OF_TERM,
        defaults={
            "title": f"{term1.ends_on.year}年度大众创业指导大师工作室期满评估",
            "rubric": default_rubric(),
            "status": Evaluation.Status.CLOSED,
            "opened_by": staff,
            "opened_at": _at(date(term1.ends_on.year, 4, 1)),
            "closed_at": _at(date(term1.ends_on.year, 5, 20)),
        },
    )
    scores = {"consultation": "14.0", "themed": "13.0", "training": "15.0", "plan": "13.0", "support": "17.0"}
    scores["results"] = "16.0"
    result, _created = EvaluationResult.objects.get_or_create(
        evaluation=evaluation,
        workstation=ws,
        defaults={
            "scores": scores,
            "total": Decimal("88.0"),
            "grade": Grade.GOOD,
            "remarks": "三年任期内各项任务完成良好，同意续期。",
            "scored_by": staff,
            "scored_at": _at(date(term1.ends_on.year, 5, 10)),
        },
    )
    term2 = _term(
        ws,
        2,
        term1.ends_on + timedelta(days=1),
        TermBasis.RENEWAL,
        renewal_doc,
        decided_on,
        evaluation_result=result,
        created_by=staff,
    )
    Term.objects.filter(pk=term1.pk).update(outcome=TermOutcome.RENEWED)
    Term.objects.filter(pk=term2.pk).update(created_at=_at(decided_on))
    plan = {
        "direction": "立足宝丰，服务全市返乡创业人员",
        "focus": "返乡创业培训、电商孵化",
        "scale": "每年服务创业者300人次",
        "targets_year1": "开展创业沙龙6期",
        "targets_year2": "孵化电商企业10家",
        "targets_year3": "培养创业服务骨干6名",
    }
    for version, filed_on in ((1, certified_on + timedelta(days=45)), (2, decided_on + timedelta(days=60))):
        WorkPlan.objects.get_or_create(
            workstation=ws,
            version=version,
            defaults={**plan, "submitted_by": host_user, "submitted_at": _at(filed_on)},
        )


def _ending_soon(world: World) -> None:
    lead, host_login = ENDING_SOON
    today = timezone.localdate()
    # Certified so that the term ends 45 days from the first build: inside the 90-day flag.
    certified_on = today.replace(year=today.year - term_years()) + timedelta(days=46)
    ws = _active_workstation(world, lead, host_login, certified_on)
    _term(ws, 1, ws.certified_on, TermBasis.CERTIFICATION, f"平人社〔{ws.certified_on.year}〕9号", ws.certified_on)


def _opinions(world: World) -> None:
    for lead, rows in OPINIONS.items():
        ws = world.data.get("workstations", {}).get(lead)
        if ws is None or ws.state not in RECOGNISED_STATES | {State.DEREGISTERED, State.REVOKED} or ws.county is None:
            continue
        clerk = world.users[COUNTY_CLERK[ws.county.short_name]]
        for year, score, text in rows:
            CountyOpinion.objects.get_or_create(
                workstation=ws,
                year=year,
                defaults={
                    "county": ws.county,
                    "score": score,
                    "opinion": text,
                    "recorded_by": clerk,
                    "recorded_at": _at(date(year + 1, 1, 15)),
                },
            )


SERVICES = [
    ("training_salon", "on_site", "返乡创业提升培训班（第3期）", 45, "", "", ""),
    ("follow_up", "visit", "走访指导茶叶电商项目融资方案", 1, "", "王先生（茶叶电商项目）", ""),
    ("support", "on_site", "为初创企业集中办理工商登记和税务报到", 8, "registration", "", ""),
    ("internship", "on_site", "安排创业培训学员到孵化企业实习", 3, "", "李女士（直播带货项目）", "鹰城电商产业园"),
]


def _services(world: World) -> None:
    from workstations.models.service_records import ServiceRecord

    for lead, offset in (("张伟", 30), ("李娜", 60)):
        ws = world.data.get("workstations", {}).get(lead)
        if ws is None or ws.certified_on is None or ws.service_records.exists():
            continue
        host = ws.host_unit.users.order_by("id").first()
        held = ws.certified_on + timedelta(days=offset)
        for n, (kind, mode, title, people, area, beneficiary, partner) in enumerate(SERVICES):
            day = held + timedelta(days=20 * n)
            ServiceRecord.objects.create(
                workstation=ws,
                kind=kind,
                mode=mode,
                held_on=day,
                title=title,
                description=title + "。",
                participant_count=people,
                support_area=area,
                beneficiary=beneficiary,
                consent=bool(beneficiary),
                partner=partner,
                submitted_by=host,
                submitted_at=_at(day + timedelta(days=2)),
            )


def build(world: World) -> None:
    with transaction.atomic():
        _first_terms()
        _renewed(world)
        _ending_soon(world)
        _opinions(world)
        _services(world)
    term_flags_check()
