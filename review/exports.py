"""The results sheet (票决结果表) as Excel and PDF, for signatures and the record (Art. 6(3)).

Both are generated from the round's stored result record and counts, so the sheet printed today and the one printed
next year are the same; the record's SHA-256 is printed on both.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.excel import Sheet, new_workbook
from portal.formatting import format_date
from portal.pdf import render_pdf
from review.rules import Outcome


def results_context(review_round, candidates) -> dict:
    return {
        "round": review_round,
        "candidates": candidates,
        "rule_words": review_round.rule.describe(),
        "printed_on": timezone.localdate(),
    }


def results_workbook(review_round, candidates):
    wb = new_workbook()
    sheet = Sheet(
        wb,
        _("Results sheet"),
        [
            _("No."),
            _("Workstation"),
            _("Host unit"),
            _("Experts of the round"),
            _("Eligible experts"),
            _("Voted"),
            _("Approve"),
            _("Disapprove"),
            _("Abstain"),
            _("Outcome"),
        ],
        caption=_("Expert review results sheet: %(title)s") % {"title": review_round.title},
    )
    for i, c in enumerate(candidates, start=1):
        sheet.row(
            [
                i,
                c.workstation.name,
                c.workstation.host_unit.name,
                c.panel_size,
                c.eligible,
                c.voted,
                *((c.approve, c.disapprove, c.abstain) if c.counts_shown else ("—", "—", "—")),
                str(Outcome(c.outcome).label),
            ]
        )
    sheet.row([])
    sheet.row([_("Panel"), review_round.panel.name, review_round.panel.call_reference])
    for line in review_round.rule.describe():
        sheet.row([_("Rule"), line])
    sheet.row([_("Closed on"), format_date(review_round.closed_at)])
    sheet.row([_("Freeze hash"), review_round.freeze_hash])
    sheet.row([_("Result record SHA-256"), review_round.result_hash])
    sheet.row([])
    sheet.row([_("Experts' signatures"), "", "", _("Supervisor"), "", "", _("City bureau")])
    sheet.fit()
    return wb


def results_pdf(review_round, candidates) -> bytes:
    return render_pdf("review/results_sheet_pdf.html", results_context(review_round, candidates))
