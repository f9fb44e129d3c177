"""Art. 6(4)–(5): the numbered confirmation document (发文确认) certifying cleared candidates.

Plaques themselves are made and handed over by ``workstations.plaque_services``; this module only issues the
document and certifies, in one transaction, so the document number exists exactly when the certifications do.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.documents.models import OfficialDocument
from portal.documents.services import document_issue
from portal.notifications import notify_organisation
from portal.publiccache import bump_public_version
from portal.workdays.services import local_date
from review.publicity.models import ConfirmationEntry
from review.publicity.services import confirmation_date_problems
from workstations.models import State, Workstation
from workstations.services import TransitionRefused, workstation_transition
from workstations.services_terms import term_end_for, term_open_first, term_years

CONFIRMATION_ADDRESSEES = "各县（市、区）人力资源和社会保障局，市域内各高校，各有关单位"


def term_text(issued_on: dt.date) -> str:
    """Art. 11(1): the term printed for each workstation, 2026年12月1日—2029年11月30日."""
    end = term_end_for(issued_on, term_years())
    return f"{issued_on.year}年{issued_on.month}月{issued_on.day}日—{end.year}年{end.month}月{end.day}日"


def confirmation_body(workstations: list[Workstation], year: int, issued_on: dt.date | None = None) -> dict:
    """The document's text (always Chinese, as it is an official document) with the list as a table."""
    rows = []
    issued_on = issued_on or dt.date(year, 12, 31)
    for ws in workstations:
        county = ws.county
        rows.append([ws.name, ws.host_unit.name, county.display_short if county else "", term_text(issued_on)])
    return {
        "paragraphs": [
            "根据《平顶山市大众创业指导大师工作室认定管理办法》（平人社办〔2024〕44号）规定，经单位申报、"
            "县（市、区）人社部门和市域内高校遴选推荐、专家评审和社会公示，"
            f"决定认定以下{len(rows)}个工作室为{year}年度平顶山市大众创业指导大师工作室：",
        ],
        "table": {"columns": ["工作室名称", "所在单位", "县（市、区）", "任期"], "rows": rows},
        "closing": [
            "请各工作室所在单位按照办法要求，加强对工作室的管理和支持，制定三年工作规划，"
            "充分发挥创业导师的示范引领作用，切实做好创业指导服务工作。",
        ],
    }


def confirmation_issue(
    *, workstations: list[Workstation], actor, title: str = "", issued_on: dt.date | None = None
) -> OfficialDocument:
    """Art. 6(4): one numbered document lists the chosen cleared candidates; each is certified by it."""
    if not workstations:
        raise TransitionRefused([_("Choose at least one cleared candidate.")])
    issued_on = issued_on or timezone.localdate()
    with transaction.atomic():
        locked = list(
            Workstation.objects.select_for_update(of=("self",))
            .select_related("host_unit", "host_unit__county", "recommender")
            .filter(pk__in=[w.pk for w in workstations])
            .order_by("pk")
        )
        not_ready = [ws.name for ws in locked if ws.state != State.PUBLICITY_CLEARED]
        if not_ready:
            raise TransitionRefused([_("Not cleared by publicity: %(names)s.") % {"names": "、".join(not_ready)}])
        if problems := confirmation_date_problems(locked, issued_on):  # issue 15: no backdated decision
            raise TransitionRefused(problems)
        document = document_issue(
            kind=OfficialDocument.Kind.CONFIRMATION,
            title=title.strip() or f"关于认定{issued_on.year}年度平顶山市大众创业指导大师工作室的通知",
            addressees=CONFIRMATION_ADDRESSEES,
            body=confirmation_body(locked, issued_on.year, local_date(issued_on)),
            actor=actor,
            issued_on=issued_on,
        )
        for position, ws in enumerate(locked, start=1):
            ConfirmationEntry.objects.create(document=document, workstation=ws, position=position)
            workstation_transition(workstation=ws.pk, transition="certify", actor=actor, reason=document.number)
            Workstation.objects.filter(pk=ws.pk).update(certified_on=local_date(issued_on))
            term_open_first(
                workstation=ws, starts_on=local_date(issued_on), decision_reference=document.number, actor=actor
            )
            notify_organisation(
                organisation=ws.host_unit,
                subject=_("%(name)s is recognised (%(number)s)") % {"name": ws.name, "number": document.number},
            )
        bump_public_version()
    return document
