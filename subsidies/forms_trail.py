from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.formfields import DateInput
from subsidies.models.trail import Channel


class DisbursementForm(forms.Form):
    channel = forms.ChoiceField(label=_("Funding channel"), choices=Channel.choices)
    channel_detail = forms.CharField(label=_("Other channel"), max_length=120, required=False)
    document_number = forms.CharField(
        label=_("Payment document"), max_length=60, help_text=_("The number of the 拨付 document or voucher.")
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    account = forms.CharField(
        label=_("Receiving account"),
        max_length=120,
        required=False,
        help_text=_("The host unit's account name and bank (no personal data)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()


class GrantPublicityForm(forms.Form):
    start = forms.DateField(
        label=_("First day"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: the first working day after today."),
    )


class CloseLedgerForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
