"""Art. 6(4)–(5): the numbered confirmation document (发文确认) certifying cleared candidates.

Plaques themselves are made and handed over by ``workstations.plaque_services``; this module only issues the
document and certifies, in one transaction, so the document number exists exactly when the certifications do.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from portal.documents.models import OfficialDocument
from portal.documents.services import DocumentRefused, document_issue, document_preview
from portal.notifications import notify_organisation
from portal.publiccache import bump_public_version
from portal.workdays.services import local_date
from review.publicity.models import ConfirmationEntry
from workstations import compliance_summary
from workstations.models import State, Workstation
from workstations.services import TransitionRefused, workstation_transition
from workstations.services_terms import term_end_for, term_open_first, term_years

# The addressees of the measures themselves (平人社办〔2024〕44号), with the universities that recommend candidates.
CONFIRMATION_ADDRESSEES = (
    "各县（市、区）人力资源和社会保障局、城乡一体化示范区组织人力资源社会保障局、高新区人力资源管理局，"
    "市域内各高校，各有关单位"
)


def term_text(issued_on: dt.date) -> str:
    """Art. 11(1): the term printed for each workstation, 2026年12月1日—2029年11月30日."""
    end = term_end_for(issued_on, term_years())
    return f"{issued_on.year}年{issued_on.month}月{issued_on.day}日—{end.year}年{end.month}月{end.day}日"


def confirmation_title(year: int) -> str:
    return "".join(confirmation_title_lines(year))


def confirmation_title_lines(year: int) -> list[str]:
    """The default title broken where the sense allows (GB/T 9704: a title is not broken inside a phrase)."""
    return [f"关于认定{year}年度平顶山市", "大众创业指导大师工作室的通知"]


def confirmation_body(
    workstations: list[Workstation], year: int, issued_on: dt.date | None = None, *, default_title: bool = True
) -> dict:
    """The document's text (always Chinese, as it is an official document); the list, with each term, is its 附件."""
    rows = []
    issued_on = issued_on or dt.date(year, 12, 31)
    for ws in workstations:
        county = ws.county
        rows.append([ws.name, ws.host_unit.name, county.display_short if county else "", term_text(issued_on)])
    list_title = f"{year}年度平顶山市大众创业指导大师工作室名单"
    subject = workstations[0].name if len(rows) == 1 else f"{workstations[0].name}等{len(rows)}个工作室"
    return {
        "title_lines": confirmation_title_lines(year) if default_title else [],
        "paragraphs": [
            "根据《平顶山市大众创业指导大师工作室认定管理办法》（平人社办〔2024〕44号）规定，经单位申报、"
            "县（市、区）人社部门和市域内高校遴选推荐、专家评审和社会公示，"
            f"决定认定{subject}为{year}年度平顶山市大众创业指导大师工作室（名单见附件）。",
        ],
        "attachments": [
            {"title": list_title, "columns": ["工作室名称", "所在单位", "县（市、区）", "任期"], "rows": rows}
        ],
        "closing": [
            "请各工作室所在单位按照办法要求，加强对工作室的管理和支持，制定三年工作规划，"
            "充分发挥创业导师的示范引领作用，切实做好创业指导服务工作。",
        ],
    }


def cleared_on(workstations: list[Workstation]) -> dt.date | None:
    """The day the last of ``workstations`` was cleared: the day after its publicity window ended (Art. 6(4)).

    The confirmation records that decision, so it may not be dated before it: the one rule for the confirmation page,
    issuing and the demo (``portal.documents.services.issue_date_problems`` with this as ``decided_on``). A withdrawn
    list cleared nobody.
    """
    from review.publicity.models import PublicityEntry

    last_day = PublicityEntry.objects.filter(
        workstation__in=[w.pk for w in workstations],
        outcome=PublicityEntry.Outcome.CLEARED,
        publicity_list__withdrawn_at__isnull=True,
    ).aggregate(day=Max("publicity_list__last_day"))["day"]
    return None if last_day is None else last_day + dt.timedelta(days=1)


def confirmation_preview(
    *, workstations: list[Workstation], actor, seq: int, issued_on: dt.date, title: str = ""
) -> bytes:
    """The numbered document as it would be issued, for the confirmation page (nothing is stored)."""
    locked = list(
        Workstation.objects.select_related("host_unit", "host_unit__county", "recommender")
        .filter(pk__in=[w.pk for w in workstations])
        .order_by("pk")
    )
    return document_preview(
        kind=OfficialDocument.Kind.CONFIRMATION,
        title=title.strip() or confirmation_title(issued_on.year),
        addressees=CONFIRMATION_ADDRESSEES,
        body=confirmation_body(locked, issued_on.year, local_date(issued_on), default_title=not title.strip()),
        actor=actor,
        seq=seq,
        issued_on=issued_on,
        decided_on=cleared_on(locked),
    )


def confirmation_issue(
    *, workstations: list[Workstation], actor, seq: int, issued_on: dt.date, title: str = ""
) -> OfficialDocument:
    """Art. 6(4): one document, under the number the office assigned, lists the chosen cleared candidates; each is
    certified by it. The issue date may not precede the end of their publicity."""
    if not workstations:
        raise TransitionRefused([_("Choose at least one cleared candidate.")])
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
        try:
            document = document_issue(
                kind=OfficialDocument.Kind.CONFIRMATION,
                title=title.strip() or confirmation_title(issued_on.year),
                addressees=CONFIRMATION_ADDRESSEES,
                body=confirmation_body(locked, issued_on.year, local_date(issued_on), default_title=not title.strip()),
                actor=actor,
                seq=seq,
                issued_on=issued_on,
                decided_on=cleared_on(locked),
            )
        except DocumentRefused as exc:
            raise TransitionRefused(exc.problems) from exc
        for position, ws in enumerate(locked, start=1):
            ConfirmationEntry.objects.create(document=document, workstation=ws, position=position)
            workstation_transition(workstation=ws.pk, transition="certify", actor=actor, reason=document.number)
            Workstation.objects.filter(pk=ws.pk).update(certified_on=local_date(issued_on))
            compliance_summary.refresh(ws.pk)  # issue 21: the needs of its compliance summary rows
            term_open_first(
                workstation=ws, starts_on=local_date(issued_on), decision_reference=document.number, actor=actor
            )
            notify_organisation(
                organisation=ws.host_unit,
                subject=_("%(name)s is recognised (%(number)s)") % {"name": ws.name, "number": document.number},
            )
        bump_public_version()
    return document
