"""The 推荐汇总表 as a county office files it (issue 16 item 5): one merged title, the recommender and date, a frozen
header, A4 landscape fitted to one page wide with the header repeated, and the reason and contact columns.

Counts come from the submitted version (the snapshot), so the sheet says what the checklist says: "创业导师" are the
mentors besides the lead (Art. 5(3)1: "1位领衔创业导师及2名创业导师").
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from portal.excel import new_workbook, safe_cell
from portal.formatting import format_date

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


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


def recommendation_workbook(*, call, recommender, ranked) -> Workbook:
    columns = _columns()
    wb = new_workbook()
    ws = wb.create_sheet(title=str(_("Recommendation sheet"))[:31])
    last = get_column_letter(len(columns))
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = safe_cell(_("%(call)s — recommendation sheet") % {"call": call.title})
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws.merge_cells(f"A2:{last}2")
    ws["A2"] = safe_cell(
        _("Recommender (seal): %(rec)s    Call: %(number)s    Date: %(date)s")
        % {"rec": recommender.name, "number": call.document_number, "date": format_date(timezone.localdate())}
    )
    ws["A2"].alignment = Alignment(horizontal="left")
    header_row = 3
    for index, (title, width) in enumerate(columns, start=1):
        cell = ws.cell(row=header_row, column=index, value=safe_cell(str(title)))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
        ws.column_dimensions[get_column_letter(index)].width = width
    row = header_row
    for app in ranked:
        shown = app.shown
        checks = shown.eligibility()
        summary = "；".join(f"{c.label}：{c.status_label}" for c in checks if c.status != "met") or _("All met")
        values = [
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
        row += 1
        for index, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=index, value=safe_cell(value))
            cell.border = BOX
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "&P / &N"
    ws.print_area = f"A1:{last}{max(row, header_row)}"
    return wb
