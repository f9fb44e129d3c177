"""The 推荐汇总表 as a county office files it (issue 16 item 5): one merged title, the recommender and date, a frozen
header, A4 landscape fitted to one page wide with the header repeated, and the reason and contact columns
(``portal.excel.Sheet.office_layout``).

Counts come from the submitted version (the snapshot), so the sheet says what the checklist says: "创业导师" are the
mentors besides the lead (Art. 5(3)1: "1位领衔创业导师及2名创业导师").
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.excel import Sheet, new_workbook
from portal.formatting import format_date


def _columns() -> list[tuple[str, int]]:
    return [
        (_("Rank"), 6),
        (_("Workstation"), 30),
        (_("Host unit"), 28),
        (_("Host unit type"), 14),
        (_("Lead mentor"), 10),
        (_("Mentors besides the lead"), 10),
        (_("Staff"), 8),
        (_("Eligibility"), 36),
        (_("Recommendation reason"), 40),
        (_("Contact person"), 10),
        (_("Contact phone"), 15),
        (_("Recommended on"), 16),
    ]


def recommendation_workbook(*, call, recommender, ranked):
    columns = _columns()
    wb = new_workbook()
    sheet = Sheet(
        wb,
        str(_("Recommendation sheet")),
        [str(title) for title, _width in columns],
        caption=_("%(call)s — recommendation sheet") % {"call": call.title},
        subtitle=_("Recommender (seal): %(rec)s    Call: %(number)s    Date: %(date)s")
        % {"rec": recommender.name, "number": call.document_number, "date": format_date(timezone.localdate())},
    )
    for app in ranked:
        shown = app.shown
        checks = shown.eligibility()
        summary = "；".join(f"{c.label}：{c.status_label}" for c in checks if c.status != "met") or _("All met")
        sheet.row(
            [
                app.rank,
                app.workstation.name,
                app.workstation.host_unit.name,
                shown.get_host_type_display(),
                app.workstation.lead_mentor_name,
                len(shown.team_mentors()),
                shown.staff_count,
                summary,
                app.recommendation_opinion,
                shown.contact_person,
                shown.masked_contact_phone,
                format_date(app.recommended_at),
            ]
        )
    sheet.office_layout([width for _title, width in columns])
    return wb
