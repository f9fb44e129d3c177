"""Demo exits (Art. 11(4)): one deregistered and one revoked workstation, each with its numbered document."""

import datetime as dt

from django.utils import timezone

from portal.demo import World
from portal.documents.models import OfficialDocument
from portal.documents.services import document_issue
from workstations.exit_services import _document_body
from workstations.exits import ExitCase, ExitGround, ExitKind, ExitStatus

DEMO_EXITS = [
    # (lead mentor, ground, facts, statement, decided on)
    ("何军", ExitGround.OWN_REQUEST, "所在单位业务调整，工作室不再继续运行，申请注销。", "", dt.date(2026, 3, 16)),
    (
        "林峰",
        ExitGround.FAILED_RECTIFICATION,
        "2025年度评价不合格，限期90日整改后复评仍不达标（三季度无政策咨询活动，全年未培养创业服务骨干）。",
        "我单位对评价结果无异议，今后将加强管理。",
        dt.date(2026, 4, 20),
    ),
]


def build(world: World) -> None:
    staff, staff2 = world.users["staff"], world.users["staff2"]
    for lead, ground, facts, statement, decided_on in DEMO_EXITS:
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
        )
        if statement:
            case.statement_by = world.users[_host_login(world, ws)]
            case.statement_at = case.decided_at - dt.timedelta(days=3)
        title, body = _document_body(case)
        case.document = document_issue(
            kind=OfficialDocument.Kind.DEREGISTRATION
            if case.kind == ExitKind.NATURAL
            else OfficialDocument.Kind.REVOCATION,
            title=title,
            addressees="、".join(filter(None, [ws.county.name if ws.county else "", ws.host_unit.name])),
            body=body,
            actor=staff2,
            issued_on=decided_on,
        )
        case.save()


def _host_login(world: World, ws) -> str:
    return next(login for login, org in world.orgs.items() if org.pk == ws.host_unit_id and login.startswith("host"))
