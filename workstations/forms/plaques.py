"""Art. 6(5): recording a plaque's handover, and correcting a recorded one."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.formfields import DateInput


class HandOverForm(forms.Form):
    handed_over_to = forms.CharField(label=_("Received by"), max_length=100)
    handed_over_on = forms.DateField(label=_("Handed over on"), widget=DateInput())


class HandOverCorrectionForm(HandOverForm):
    reason = forms.CharField(
        label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
