"""Excel exports with openpyxl. Every text cell is neutralised against formula injection (CSV/Excel injection):
a value starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is written with a leading apostrophe-quote
so that Excel shows it as text and never evaluates it. Numbers stay numbers (money as Decimal, 2 places)."""

from decimal import Decimal
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
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

    def __init__(self, workbook: Workbook, title: str, headers: list[str], *, caption: str = ""):
        self.ws = workbook.create_sheet(title=title[:31])
        self.headers = headers
        if caption:
            self.ws.append([safe_cell(caption)])
            self.ws.cell(row=1, column=1).font = Font(bold=True, size=14)
        self.ws.append([safe_cell(str(h)) for h in headers])
        for cell in self.ws[self.ws.max_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
        self.header_row = self.ws.max_row

    def row(self, values: list) -> None:
        self.ws.append([safe_cell(v) for v in values])
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
