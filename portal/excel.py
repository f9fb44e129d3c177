"""Excel exports with openpyxl. Every text cell is neutralised against formula injection (CSV/Excel injection):
a value starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is written with a leading apostrophe-quote
so that Excel shows it as text and never evaluates it. Numbers stay numbers (money as Decimal, 2 places)."""

from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


class Sheet:
    """A thin writer: a title row, a header row, data rows, optional totals; column widths fitted to CJK text."""

    def __init__(self, workbook: Workbook, title: str, headers: list[str], *, caption: str = "", subtitle: str = ""):
        self.ws = workbook.create_sheet(title=title[:31])
        self.headers = headers
        if caption:
            self.ws.append([safe_cell(caption)])
            self.ws.cell(row=1, column=1).font = Font(bold=True, size=14)
        if subtitle:
            self.ws.append([safe_cell(subtitle)])
        self.ws.append([safe_cell(str(h)) for h in headers])
        for cell in self.ws[self.ws.max_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
        self.header_row = self.ws.max_row

    def row(self, values: list) -> None:
        cells = [safe_cell(v) for v in values]
        self.ws.append(cells)
        # ``max_row`` scans every cell: only rows with money need it (a long export of text stays linear).
        if any(isinstance(v, Decimal) for v in cells):
            for cell in self.ws[self.ws.max_row]:
                if isinstance(cell.value, Decimal):
                    cell.number_format = MONEY_FORMAT

    def fit(self) -> None:
        for idx, _ in enumerate(self.headers, start=1):
            letter = get_column_letter(idx)
            width = max(
                (sum(2 if ord(ch) > 127 else 1 for ch in str(c.value or "")) for c in self.ws[letter]), default=8
            )
            self.ws.column_dimensions[letter].width = min(max(width + 2, 8), 60)

    def office_layout(self, widths: list[int]) -> None:
        """As an office files a list: caption and subtitle merged over the table, a boxed table with wrapped text,
        the header frozen and repeated on every printed page, A4 landscape one page wide, "page / pages" footer."""
        last = get_column_letter(len(self.headers))
        for row in range(1, self.header_row):
            self.ws.merge_cells(f"A{row}:{last}{row}")
        if self.header_row > 1:
            self.ws["A1"].font = Font(bold=True, size=16)
            self.ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
            self.ws.row_dimensions[1].height = 30
        side = Side(style="thin", color="000000")
        box = Border(left=side, right=side, top=side, bottom=side)
        for row in self.ws.iter_rows(min_row=self.header_row, max_row=self.ws.max_row, max_col=len(self.headers)):
            for cell in row:
                cell.border = box
                cell.alignment = Alignment(
                    horizontal="center" if cell.row == self.header_row else None, vertical="top", wrap_text=True
                )
        for idx, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(idx)].width = width
        self.ws.freeze_panes = self.ws.cell(row=self.header_row + 1, column=1)
        self.ws.print_title_rows = f"{self.header_row}:{self.header_row}"
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.paperSize = self.ws.PAPERSIZE_A4
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.print_options.horizontalCentered = True
        self.ws.oddFooter.center.text = "&P / &N"
        self.ws.print_area = f"A1:{last}{self.ws.max_row}"


def new_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    return wb


def workbook_response(wb: Workbook, filename: str) -> HttpResponse:
    for ws in wb.worksheets:
        ws.sheet_view.rightToLeft = False
    buffer = BytesIO()
    wb.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
