"""Excel exports of ledgers, the city overview and audit samples (SPEC §5). Totals are the same ``Totals`` the
screens show, written as Decimals, so the workbook matches the screen to the fen."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.excel import Sheet, new_workbook, workbook_response
from portal.formatting import format_date
from subsidies.models import Category, Source


def _totals_sheet(wb, title: str, caption: str, totals) -> None:
    sheet = Sheet(
        wb, title, [_("Funding source"), _("Received"), _("Spent"), _("Refunded"), _("Balance")], caption=caption
    )
    for source in Source:
        t = totals.by_source[source.value]
        sheet.row([str(source.label), t.received, t.spent, t.refunded, t.balance])
    t = totals.total
    sheet.row([_("Total"), t.received, t.spent, t.refunded, t.balance])
    sheet.row([])
    sheet.row([_("Spent on"), _("Amount")])
    for category in Category:
        sheet.row([str(category.label), totals.by_category[category.value]])
    sheet.fit()


def ledger_workbook(workstation, entries, totals):
    wb = new_workbook()
    sheet = Sheet(
        wb,
        _("Entries"),
        [
            _("No."),
            _("Date"),
            _("Kind"),
            _("Funding source"),
            _("Spent on"),
            _("Amount"),
            _("Description"),
            _("Reference"),
            _("Reverses"),
            _("Recorded by"),
            _("Receipts"),
        ],
        caption=_("Subsidy ledger of %(ws)s") % {"ws": workstation.name},
    )
    for entry in entries:
        sheet.row(
            [
                entry.pk,
                format_date(entry.date),
                entry.get_kind_display(),
                entry.get_source_display(),
                entry.get_category_display() if entry.category else "",
                entry.signed_amount,
                entry.description,
                entry.reference or entry.explanation,
                entry.reverses_id or "",
                str(entry.recorded_by),
                len(entry.receipts.all()),
            ]
        )
    sheet.fit()
    _totals_sheet(wb, _("Totals"), workstation.name, totals)
    return workbook_response(wb, f"ledger-{workstation.pk}-{timezone.localdate():%Y%m%d}.xlsx")


def overview_workbook(counties, grand, ledger_rows):
    wb = new_workbook()
    headers = [_("County")]
    for source in Source:
        headers += [f"{source.label}·{_('Received')}", f"{source.label}·{_('Balance')}"]
    headers += [_("Received"), _("Spent"), _("Refunded"), _("Balance")]
    sheet = Sheet(wb, _("By county"), headers, caption=_("Subsidies by county and funding source"))

    def cells(totals) -> list:
        values = []
        for source in Source:
            t = totals.by_source[source.value]
            values += [t.received, t.balance]
        t = totals.total
        return [*values, t.received, t.spent, t.refunded, t.balance]

    for row in counties:
        sheet.row([row.county, *cells(row.totals)])
    sheet.row([_("Total"), *cells(grand)])
    sheet.fit()
    detail = Sheet(wb, _("Ledgers"), [_("Workstation"), _("Host unit"), *headers[1:]])
    for ledger, totals in ledger_rows:
        detail.row([ledger.workstation.name, str(ledger.workstation.host_unit), *cells(totals)])
    detail.fit()
    return workbook_response(wb, f"subsidies-{timezone.localdate():%Y%m%d}.xlsx")


def audit_workbook(audit, rows):
    """``rows``: (assignment, totals, findings counts by verdict, badges) for each ledger in the audit."""
    wb = new_workbook()
    caption = audit.title
    if audit.seed is not None:
        caption += " · " + _("seed %(seed)s, %(n)s of %(total)s drawn") % {
            "seed": audit.seed,
            "n": len(audit.drawn),
            "total": len(audit.population),
        }
    sheet = Sheet(
        wb,
        _("Sample"),
        [
            _("Workstation"),
            _("County"),
            _("Received"),
            _("Spent"),
            _("Refunded"),
            _("Balance"),
            _("Fine"),
            _("Question"),
            _("Misuse"),
            _("Conclusion"),
        ],
        caption=caption,
    )
    grand = [Decimal("0.00")] * 4
    for assignment, totals, counts, _badges in rows:
        ws = assignment.ledger.workstation
        t = totals.total
        values = [t.received, t.spent, t.refunded, t.balance]
        grand = [a + b for a, b in zip(grand, values, strict=True)]
        sheet.row(
            [
                ws.name,
                ws.county.display_short if ws.county else "",
                *values,
                counts.get("fine", 0),
                counts.get("question", 0),
                counts.get("misuse", 0),
                assignment.conclusion,
            ]
        )
    sheet.row([_("Total"), "", *grand])
    sheet.fit()
    return workbook_response(wb, f"audit-{audit.pk}.xlsx")
