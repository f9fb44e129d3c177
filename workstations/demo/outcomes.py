"""Demo outcomes (issue 7): certification dates, three-year plans (one revised, one overdue), several years of
activity reports (a few rejected, the latest awaiting review), evaluations with every grade, 刘洋's workstation in
rectification after a failed evaluation, an open end-of-term evaluation, and major-event reports.

Idempotent: each part is laid down only when it is not there yet. Rows are written directly (as in
``workstations.demo.lifecycle``) because the services refuse back-dated actions that the demo history needs.
"""

import base64
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.demo import World
from portal.uploads import store_upload
from workstations.models import RECOGNISED_STATES, Workstation
from workstations.models.evaluations import (
    Evaluation,
    EvaluationKind,
    EvaluationResult,
    Grade,
    Rectification,
)
from workstations.models.outcomes import (
    ActivityKind,
    ActivityReport,
    ActivitySetting,
    EventKind,
    MajorEventReport,
    MentorChange,
    ReportEvidence,
    ReportStatus,
    TrainedPerson,
    WorkPlan,
)
from workstations.rules import compliance
from workstations.selectors.outcomes import load_counts
from workstations.services import compliance_summary
from workstations.services.evaluations import (
    auto_scores,
    base_points,
    default_rubric,
    evaluation_open,
    scaled_total,
)

CERTIFIED_ON = {
    "张伟": date(2023, 3, 10),
    "刘洋": date(2023, 6, 1),
    "李娜": date(2023, 9, 20),
    "王磊": date(2024, 5, 15),
    "陈静": date(2026, 10, 28),
}
# How diligent each host unit is: the chance that a quarter has its consultation, a year its activities.
DILIGENCE = {"张伟": 1.0, "李娜": 0.95, "王磊": 0.7, "刘洋": 0.6}
REJECT_RATE = {"张伟": 0.0, "李娜": 0.05, "王磊": 0.15, "刘洋": 0.1}
TARGET_TOTAL = {Grade.EXCELLENT: 93, Grade.GOOD: 84, Grade.PASS: 68, Grade.FAIL: 52}
GRADES = {
    2024: {"张伟": Grade.EXCELLENT, "李娜": Grade.GOOD, "王磊": Grade.PASS, "刘洋": Grade.PASS},
    2025: {"张伟": Grade.EXCELLENT, "李娜": Grade.GOOD, "王磊": Grade.PASS, "刘洋": Grade.FAIL},
}
PLACES = ["新华区创业服务中心", "平顶山学院报告厅", "高新区科技孵化园", "湛河区社区服务中心", "鹰城电商产业园"]
SETTINGS = list(ActivitySetting.values)
THEMED_PLACE = {"park": "园区", "enterprise": "企业", "campus": "校园", "community": "社区"}
TRAINEES = ["李明", "王芳", "张强", "刘婷", "陈浩", "杨柳", "赵磊", "黄莉", "周杰", "吴倩"]
# A 1×1 PNG, so that demo reports carry a real (content-checked) evidence file.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def build(world: World) -> None:
    staff = world.users["staff"]
    demo = world.data.get("workstations", {})
    for lead, certified_on in CERTIFIED_ON.items():
        ws = demo.get(lead)
        if ws is not None and ws.state in RECOGNISED_STATES and ws.certified_on is None:
            Workstation.objects.filter(pk=ws.pk, certified_on__isnull=True).update(certified_on=certified_on)
            ws.certified_on = certified_on
            compliance_summary.refresh(ws.pk)  # issue 21: the board's summary rows
    operating = {lead: demo[lead] for lead in DILIGENCE if lead in demo}
    today = timezone.localdate()
    for lead, ws in operating.items():
        host = world.users[_host_login(ws)]
        _plans(ws, lead, host)
        if not ActivityReport.objects.filter(workstation=ws).exists():
            _reports(ws, lead, host, staff, today)
            compliance_summary.refresh(ws.pk, range(ws.certified_on.year, today.year + 1))  # issue 21
        _events(ws, lead, host, staff)
    for year, grades in GRADES.items():
        _evaluation(year, grades, operating, staff, today)
    _rectification(operating.get("刘洋"), staff, today)
    if not Evaluation.objects.filter(year=today.year, kind=EvaluationKind.ANNUAL).exists():
        # Issue 15: the year has not ended, so this opens only as a confirmed early evaluation: its running quarter
        # and the running year's items do not count (they show as "n/a" and leave the base).
        evaluation_open(
            year=today.year,
            kind=EvaluationKind.ANNUAL,
            actor=staff,
            today=today,
            early_reason="年底前须向省厅报送年度评价情况，经局务会同意提前启动；未结束的季度和年度不计入。",
        )


def _host_login(ws: Workstation) -> str:
    return ws.host_unit.users.order_by("id").values_list("username", flat=True).first()


def _plans(ws, lead, host) -> None:
    if lead == "王磊" or ws.plans.exists():
        return  # 王磊's plan is overdue, on purpose
    versions = 2 if lead == "张伟" else 1
    for v in range(1, versions + 1):
        WorkPlan.objects.create(
            workstation=ws,
            version=v,
            direction="立足本地创业服务需求，打造集政策咨询、创业指导、人才培养于一体的创业服务品牌。",
            focus="返乡创业、大学生创业、电商创业三类群体的精准指导。",
            scale="核心导师3名，服务对象年均300人次以上。" if v == 1 else "核心导师4名，服务对象年均500人次以上。",
            targets_year1="开展政策咨询4次以上，主题活动2次以上，培养骨干2名。",
            targets_year2="开展政策咨询6次以上，主题活动3次以上，培养骨干3名。",
            targets_year3="形成可复制的创业指导模式，培养骨干5名以上。",
            measures="所在单位提供专用场地120平方米，年度工作经费不低于5万元。",
            submitted_by=host,
            submitted_at=_at(ws.certified_on + timedelta(days=40 + 300 * (v - 1))),
        )


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=timezone.get_current_timezone())


def _reports(ws, lead, host, staff, today) -> None:
    rng = random.Random(f"demo-outcomes-{lead}")  # noqa: S311 (deterministic demo data, not a secret)  # nosec B311
    diligence = DILIGENCE[lead]
    quarter = compliance.quarter_of(ws.certified_on)
    trainee_pool = iter(TRAINEES * 10)
    made: list[ActivityReport] = []
    while quarter.start <= today:
        in_current = quarter.contains(today)
        last_day = min(quarter.end, today - timedelta(days=1))
        span = max((last_day - max(quarter.start, ws.certified_on)).days, 0)
        if rng.random() < diligence or in_current:
            held = max(quarter.start, ws.certified_on) + timedelta(days=rng.randint(0, span))
            made.append(_report(ws, ActivityKind.CONSULTATION, held, host, rng, in_current))
        # Two themed activities and one training round a year, in the second and fourth quarters.
        if quarter.quarter in (2, 4) and rng.random() < diligence:
            held = max(quarter.start, ws.certified_on) + timedelta(days=rng.randint(0, span))
            made.append(_report(ws, ActivityKind.THEMED, held, host, rng, in_current))
        if quarter.quarter == 3 and rng.random() < diligence:
            held = max(quarter.start, ws.certified_on) + timedelta(days=rng.randint(0, span))
            report = _report(ws, ActivityKind.TRAINING, held, host, rng, in_current)
            TrainedPerson.objects.bulk_create(
                [TrainedPerson(report=report, name=next(trainee_pool), workplace="合作创业服务机构") for _ in range(2)]
            )
            made.append(report)
        quarter = compliance.quarter_of(quarter.end + timedelta(days=1))
    # A few rejected (they do not count), the newest ones still awaiting review.
    for report in made[:-2]:
        if rng.random() < REJECT_RATE[lead]:
            report.status, report.reject_reason = (
                ReportStatus.REJECTED,
                "佐证材料不足：缺少签到表和现场照片，请补充后重新报送。",
            )
        else:
            report.status = ReportStatus.ACCEPTED
        report.decided_by, report.decided_at = staff, _at(report.held_on + timedelta(days=7))
        report.save()
    latest = made[-1]
    upload = SimpleUploadedFile("现场照片.png", PIXEL, content_type="image/png")
    ReportEvidence.objects.create(report=latest, file=store_upload(uploaded=upload, actor=host))


def _report(ws, kind, held: date, host, rng, pending: bool) -> ActivityReport:
    setting = rng.choice(SETTINGS) if kind == ActivityKind.THEMED else ""
    title = {
        ActivityKind.CONSULTATION: "区域创业政策咨询会",
        ActivityKind.THEMED: f"创业导师进{THEMED_PLACE.get(setting, '')}主题活动",
        ActivityKind.TRAINING: "创业服务工作骨干培训班",
    }[kind]
    return ActivityReport.objects.create(
        workstation=ws,
        kind=kind,
        setting=setting,
        title=title,
        held_on=held,
        place=rng.choice(PLACES),
        participant_count=rng.randint(20, 120),
        participants="返乡创业人员、高校毕业生、小微企业主",
        description="围绕创业担保贷款、一次性创业补贴等政策进行解读，并开展一对一创业指导。",
        submitted_by=host,
        submitted_at=_at(held + timedelta(days=2)),
        status=ReportStatus.SUBMITTED,
    )


def _events(ws, lead, host, staff) -> None:
    if ws.major_events.exists():
        return
    if lead == "李娜":
        # The mentor who leaves is one of the application's team (workstations.rules.team replays from it).
        application = getattr(ws, "application", None)
        names = []
        if application is not None:
            names = list(
                application.mentors.exclude(pk=application.lead_mentor_id)
                .order_by("name")
                .values_list("name", flat=True)
            )
        leaving = names[0] if names else "赵小川"
        report = MajorEventReport.objects.create(
            workstation=ws,
            kind=EventKind.MENTOR_CHANGE,
            title="创业导师调整",
            occurred_on=date(2025, 3, 15),
            description=f"原创业导师{leaving}因工作调动离开本单位，新聘钱多多为创业导师。",
            filed_by=host,
            filed_at=_at(date(2025, 3, 18)),
            acknowledged_by=staff,
            acknowledged_at=_at(date(2025, 3, 20)),
            staff_note="已知悉，请做好工作交接。",
        )
        MentorChange.objects.bulk_create(
            [
                MentorChange(
                    report=report,
                    workstation=ws,
                    person_name=leaving,
                    role="mentor",
                    change="left",
                    effective_on=date(2025, 3, 1),
                    reason="工作调动",
                ),
                MentorChange(
                    report=report,
                    workstation=ws,
                    person_name="钱多多",
                    role="mentor",
                    change="joined",
                    effective_on=date(2025, 3, 15),
                ),
            ]
        )
    elif lead in ("张伟", "王磊"):
        MajorEventReport.objects.create(
            workstation=ws,
            kind=EventKind.ACHIEVEMENT,
            title="指导项目获省级创业大赛一等奖" if lead == "张伟" else "孵化企业吸纳就业突破200人",
            occurred_on=date(2026, 9, 12),
            description="工作室指导的创业项目在河南省创业创新大赛中获奖，带动就业效果显著。",
            filed_by=host,
            filed_at=_at(date(2026, 9, 15)),
        )


def _evaluation(year, grades, operating, staff, today) -> None:
    if Evaluation.objects.filter(year=year, kind=EvaluationKind.ANNUAL).exists():
        return
    evaluation = Evaluation.objects.create(
        year=year,
        kind=EvaluationKind.ANNUAL,
        title=f"平顶山市大众创业指导大师工作室{year}年度评价",  # an official title, in Chinese whatever the UI language
        rubric=default_rubric(),
        status=Evaluation.Status.CLOSED,
        opened_by=staff,
        opened_at=_at(date(year + 1, 1, 10)),
        closed_at=timezone.now() - timedelta(days=31) if year == today.year - 1 else _at(date(year + 1, 3, 1)),
    )
    wss = [ws for lead, ws in operating.items() if lead in grades]
    counts = load_counts(Workstation.objects.filter(pk__in=[w.pk for w in wss]), range(year, year + 1))
    lead_of = {ws.pk: lead for lead, ws in operating.items()}
    for ws in wss:
        grade = grades[lead_of[ws.pk]]
        scores, shown = auto_scores(evaluation, ws, counts.get(ws.pk, {}), date(year + 1, 1, 10))
        auto_total = sum(Decimal(v) for v in scores.values())
        staff_items = [item for item in evaluation.rubric if not item["auto"]]
        room = Decimal(sum(item["max"] for item in staff_items))
        wanted = min(max(Decimal(TARGET_TOTAL[grade]) - auto_total, Decimal(0)), room)
        for item in staff_items:
            scores[item["key"]] = str((wanted * item["max"] / room).quantize(Decimal("0.1")))
        raw = sum(Decimal(v) for v in scores.values())
        base = base_points(evaluation, shown)
        total = scaled_total(evaluation, raw, base)
        EvaluationResult.objects.create(
            evaluation=evaluation,
            workstation=ws,
            scores=scores,
            compliance=shown,
            raw=raw,
            base=base,
            total=total,
            grade=evaluation.grade_for(total),
            remarks={
                Grade.EXCELLENT: "各项指标完成出色，示范带动作用明显。",
                Grade.GOOD: "工作扎实，成效较好。",
                Grade.PASS: "基本完成年度任务，主题活动和骨干培养有待加强。",
                Grade.FAIL: "季度咨询活动多次缺失，未按规划开展骨干培养。",
            }[grade],
            award_recommended=grade == Grade.EXCELLENT,
            award_amount=Decimal("20000.00") if grade == Grade.EXCELLENT else None,
            scored_by=staff,
            scored_at=evaluation.opened_at + timedelta(days=20),
        )


def _rectification(ws, staff, today) -> None:
    if ws is None or Rectification.objects.filter(workstation=ws).exists():
        return
    result = EvaluationResult.objects.filter(workstation=ws, grade=Grade.FAIL).order_by("-evaluation__year").first()
    ordered = today - timedelta(days=31)
    Rectification.objects.create(
        workstation=ws,
        result=result,
        reason="年度评价不合格：季度咨询活动多次缺失，未按规划开展骨干培养。请于期限内完成整改并报送整改报告。",
        ordered_on=ordered,
        deadline=ordered + timedelta(days=90),
    )
