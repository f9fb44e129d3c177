"""Demo exits (Art. 11(4)): one deregistered and one revoked workstation, each with its numbered document."""

import datetime as dt

from django.utils import timezone

from portal.demo import World
from portal.documents.services import document_issue
from workstations.models.exits import ExitCase, ExitGround, ExitKind, ExitStatus
from workstations.services.exit_documents import _exit_document_args

DEMO_EXITS = [
    # (lead mentor, ground, facts, statement, decided on, number the office assigned, answer to the statement)
    (
        "何军",
        ExitGround.OWN_REQUEST,
        "所在单位业务调整，工作室不再继续运行，申请注销。",
        "",
        dt.date(2026, 3, 16),
        3,
        "",
    ),
    (
        "林峰",
        ExitGround.FAILED_RECTIFICATION,
        "2025年度评价不合格，限期90日整改后复评仍不达标（三季度无政策咨询活动，全年未培养创业服务骨干）。",
        "我单位对评价结果无异议，今后将加强管理。",
        dt.date(2026, 4, 20),
        5,
        "你单位对评价和复评结果无异议，陈述中未提出新的事实和理由，不影响本决定。",
    ),
]


def build(world: World) -> None:
    staff, staff2 = world.users["staff"], world.users["staff2"]
    for lead, ground, facts, statement, decided_on, seq, reply in DEMO_EXITS:
        ws = world.data["workstations"][lead]
        if ExitCase.objects.filter(workstation=ws, status=ExitStatus.CONFIRMED).exists():
            continue
        case = ExitCase(
            workstation=ws,
            kind=ExitKind.NATURAL if ground == ExitGround.OWN_REQUEST else ExitKind.FORCED,
            ground=ground,
            facts=facts,
            statement=statement,
            status=ExitStatus.CONFIRMED,
            proposed_by=world.users[_host_login(world, ws)] if ground == ExitGround.OWN_REQUEST else staff,
            decided_by=staff2,
            decided_at=timezone.make_aware(dt.datetime.combine(decided_on, dt.time(10))),
            proposed_at=timezone.make_aware(dt.datetime.combine(decided_on - dt.timedelta(days=14), dt.time(9))),
        )
        if statement:
            case.statement_by = world.users[_host_login(world, ws)]
            case.statement_at = case.decided_at - dt.timedelta(days=3)
        case.document = document_issue(
            **_exit_document_args(case, statement_reply=reply), actor=staff2, seq=seq, issued_on=decided_on
        )
        case.save()
        ExitCase.objects.filter(pk=case.pk).update(proposed_at=case.proposed_at)  # auto_now_add set it to now


def _host_login(world: World, ws) -> str:
    return next(login for login, org in world.orgs.items() if org.pk == ws.host_unit_id and login.startswith("host"))
