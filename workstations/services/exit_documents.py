"""Art. 11(4): the exit decision document (注销 / 撤销的决定) — its text, its earliest date, and its preview. Issued by
``workstations.services.exits.exit_confirm``; nothing here writes."""

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.citations import cite
from portal.documents.models import OfficialDocument
from portal.documents.services import document_preview
from portal.formatting import format_date
from portal.models import User
from workstations.models.exits import ExitCase, ExitGround, ExitKind

MEASURES = "《平顶山市大众创业指导大师工作室认定管理办法》（平人社办〔2024〕44号）"


def decision_date_floor(case: ExitCase) -> dt.date:
    """The decision document records the proposal and the host unit's statement; it may not be dated before them."""
    days = [timezone.localtime(case.proposed_at).date()] if case.proposed_at else []
    if case.statement_at:
        days.append(timezone.localtime(case.statement_at).date())
    return max(days) if days else timezone.localdate()


def _document_body(case: ExitCase, *, statement_reply: str = "") -> tuple[str, str, dict]:
    """Art. 11(4): the exit as a 决定 — facts and grounds, the host unit's statement and the answer to it, the
    decision, what follows (摘牌, funds), and the notice of remedies. Returns (title, addressees, body)."""
    ws = case.workstation
    host = ws.host_unit.name
    with translation.override("zh-hans"):
        ground = str(ExitGround(case.ground).label)
    plaque = getattr(ws, "plaque", None)
    plaque_text = f"（编号：{plaque.number}）" if plaque is not None else ""
    natural = case.kind == ExitKind.NATURAL
    basis = cite(11, 4, 1 if natural else 2)
    recognised = (
        f"{ws.name}（领衔创业导师：{ws.lead_mentor_name}）于{format_date(ws.certified_on)}经我局认定为"
        "平顶山市大众创业指导大师工作室。"
        if ws.certified_on
        else f"{ws.name}（领衔创业导师：{ws.lead_mentor_name}）为平顶山市大众创业指导大师工作室。"
    )
    facts = case.facts.strip().rstrip("。") + "。"
    with translation.override("zh-hans"):
        proposed = format_date(case.proposed_at)
        stated = format_date(case.statement_at)
    if case.ground == ExitGround.OWN_REQUEST:
        paragraphs = [
            f"{recognised}{host}于{proposed}向我局申请注销该工作室，理由为：{facts}",
            f"经审查，上述情形属于{MEASURES}{basis}规定的自然退出情形（{ground}）。",
        ]
    else:
        paragraphs = [
            f"{recognised}经查，{facts}",
            f"上述情形属于{MEASURES}{basis}规定的“{ground}”{'自然' if natural else '强制'}退出情形。",
        ]
        if case.statement.strip():
            reply = statement_reply.strip().rstrip("。") + "。" if statement_reply.strip() else ""
            paragraphs.append(
                f"我局于{proposed}将拟作出的决定及其事实、理由和依据告知你单位。你单位于{stated}提出陈述意见，"
                f"认为：“{case.statement.strip()}”经复核，{reply}"
            )
        else:
            paragraphs.append(
                f"我局于{proposed}将拟作出的决定及其事实、理由和依据告知你单位，你单位在规定期限内未提出陈述意见。"
            )
    if natural:
        title_lines = ["关于注销", f"{ws.name}的决定"]
        title = "".join(title_lines)
        decision = f"根据{MEASURES}{cite(11, 4)}规定，我局决定：注销{ws.name}。"
    else:
        title_lines = [f"关于撤销{ws.name}", "认定的决定"]
        title = "".join(title_lines)
        decision = f"根据{MEASURES}{cite(11, 4)}规定，我局决定：撤销{ws.name}的平顶山市大众创业指导大师工作室认定。"
    paragraphs.append(decision)
    follows = f"自本决定印发之日起，{host}不得继续以“{ws.name}”名义开展活动，我局收回牌匾{plaque_text}"
    follows += (
        "，已拨付尚未使用的财政补助资金按规定清算收回。"
        if not natural
        else "，已拨付尚未使用的财政补助资金按规定清算。"
    )
    paragraphs.append(follows)
    remedies = settings.ADMINISTRATIVE_REMEDIES
    paragraphs.append(
        f"你单位如对本决定不服，可以自收到本决定之日起六十日内向{remedies['review_body']}申请行政复议，"
        f"也可以自收到本决定之日起六个月内向{remedies['court']}提起行政诉讼。"
    )
    county = ws.county
    copy_to = f"{county.name}、" if county else ""
    body = {"title_lines": title_lines, "paragraphs": paragraphs, "copy_to": f"{copy_to}市财政局"}
    return title, host, body


def _exit_document_args(case: ExitCase, *, statement_reply: str) -> dict:
    title, addressees, body = _document_body(case, statement_reply=statement_reply)
    return {
        "kind": OfficialDocument.Kind.DEREGISTRATION
        if case.kind == ExitKind.NATURAL
        else OfficialDocument.Kind.REVOCATION,
        "title": title,
        "addressees": addressees,
        "body": body,
        "decided_on": decision_date_floor(case),
    }


def reply_problems(case: ExitCase, statement_reply: str) -> list[str]:
    """A forced exit answered by the host unit is decided only with an answer to that statement."""
    if case.ground != ExitGround.OWN_REQUEST and case.statement.strip() and not statement_reply.strip():
        return [_("Answer the host unit's statement: the decision must say why it does or does not change it.")]
    return []


def exit_preview(*, case: ExitCase, actor: User, seq: int, issued_on: dt.date, statement_reply: str = "") -> bytes:
    """The decision document as it would be issued (for the confirmation page); nothing is stored."""
    return document_preview(
        **_exit_document_args(case, statement_reply=statement_reply), actor=actor, seq=seq, issued_on=issued_on
    )
