from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.formfields import DateInput


class RenewalForm(forms.Form):
    """Art. 11(1): the renewal decision after a passed end-of-term evaluation."""

    decision_reference = forms.CharField(
        label=_("Number of the renewal decision"),
        max_length=60,
        help_text=_("The number the bureau's office assigned, e.g. 平人社〔2026〕30号."),
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()

    def clean_decided_on(self):
        value = self.cleaned_data["decided_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The decision cannot be dated in the future."))
        return value
