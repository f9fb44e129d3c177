"""Form pieces every app uses the same way (issue 20: one copy of each)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """An HTML date input needs ISO dates; the Chinese locale's first input format (2026/11/25) would blank it."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def document_number_field() -> forms.IntegerField:
    """The number the office assigns to an official document (确认文件, 注销/撤销决定); series and year are added."""
    return forms.IntegerField(
        label=_("Document number assigned by the office"),
        min_value=1,
        help_text=_("The number only; the series and year are added (e.g. 12 for 平人社〔2026〕12号)."),
    )


def issue_date_field() -> forms.DateField:
    """The date an official document is issued on."""
    return forms.DateField(label=_("Date of issue"), widget=DateInput())
