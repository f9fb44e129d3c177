from django import forms
from django.utils.translation import gettext_lazy as _

from portal.formfields import DateInput
from workstations.models.service_records import ServiceKind, ServiceMode, SupportArea


class ServiceRecordForm(forms.Form):
    """Art. 4: one service. Personal data is kept to a short name, and only with consent."""

    kind = forms.ChoiceField(label=_("Kind of service"), choices=ServiceKind.choices)
    mode = forms.ChoiceField(label=_("Form"), choices=ServiceMode.choices)
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    participant_count = forms.IntegerField(label=_("Number of people served"), min_value=1, initial=1)
    support_area = forms.ChoiceField(
        label=_("Support area (support services)"), choices=[("", "—"), *SupportArea.choices], required=False
    )
    beneficiary = forms.CharField(
        label=_("Entrepreneur or project (follow-up, internship)"),
        max_length=60,
        required=False,
        help_text=_("A surname or the project's name only; no ID, phone or address."),
    )
    consent = forms.BooleanField(label=_("The entrepreneur agreed to be recorded"), required=False)
    partner = forms.CharField(label=_("Partner enterprise or body"), max_length=120, required=False)
