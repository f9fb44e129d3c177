from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.formfields import DateInput
from portal.models import Organisation
from portal.roles import OrgKind
from portal.uploads import PrivateFileField
from subsidies.models import Category, EntryReview, Finding, Kind, Source
from subsidies.services.ledger import amount_refusal, date_refusal


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ReceiptsField(PrivateFileField):
    """Several receipts at once, each checked by content and size like every private upload."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            if not data and self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [super(ReceiptsField, self).clean(item, initial) for item in data]
        cleaned = super().clean(data, initial)
        return [cleaned] if cleaned else []


class EntryBoundsMixin:
    """The service's plausible bounds of amount and date, shown beside the field with the typed value kept."""

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        refusal = amount_refusal(amount)
        if refusal:
            raise forms.ValidationError(refusal)
        return amount

    def clean_date(self):
        day = self.cleaned_data["date"]
        refusal = date_refusal(day)
        if refusal:
            raise forms.ValidationError(refusal)
        return day


class EntryForm(EntryBoundsMixin, forms.Form):
    """One form for every kind; the view removes the fields a kind does not use."""

    source = forms.ChoiceField(label=_("Funding source"), choices=Source.choices)
    category = forms.ChoiceField(label=_("Spent on"), choices=Category.choices)
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    date = forms.DateField(label=_("Date"), widget=DateInput())
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}))
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for “other” expenditures, which city staff review."),
    )
    reference = forms.CharField(
        label=_("Reference"),
        required=False,
        max_length=200,
        help_text=_("The evaluation result the award rests on, e.g. “2026年度评价优秀”."),
    )
    receipts = ReceiptsField(label=_("Receipts"), required=False)

    FIELDS = {
        Kind.CITY_GRANT: ["amount", "date", "description", "receipts"],
        Kind.COUNTY_GRANT: ["amount", "date", "description", "receipts"],
        Kind.AWARD: ["amount", "date", "reference", "description", "receipts"],
        Kind.EXPENDITURE: ["source", "category", "amount", "date", "description", "explanation", "receipts"],
        Kind.CLAWBACK: ["source", "amount", "date", "description", "receipts"],
    }

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in list(self.fields):
            if name not in self.FIELDS[kind]:
                del self.fields[name]
        self.fields["date"].initial = timezone.localdate
        if kind == Kind.EXPENDITURE:
            self.fields["receipts"].required = True

    def clean(self):
        data = super().clean()
        if self.kind == Kind.EXPENDITURE and data.get("category") == Category.OTHER and not data.get("explanation"):
            self.add_error("explanation", _("An “other” expenditure needs an explanation."))
        return data


class AwardForm(EntryBoundsMixin, forms.Form):
    """Art. 11(3): the award an evaluation result recommends; the amount comes prefilled from the evaluation."""

    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    date = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}))


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the reversal"), widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=EntryReview.Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _firms():
    return Organisation.objects.filter(kind=OrgKind.AUDIT_FIRM).order_by("name")


class SampleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    sample_size = forms.IntegerField(label=_("Sample size"), min_value=1, initial=3)
    seed = forms.IntegerField(
        label=_("Random seed"),
        required=False,
        min_value=0,
        max_value=2**62,
        help_text=_("Leave empty to draw a random seed; it is recorded and shown either way."),
    )
    firm = forms.ModelChoiceField(
        label=_("Audit firm"), queryset=Organisation.objects.none(), required=False, empty_label=_("City bureau itself")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm"].queryset = _firms()


class AssignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    firm = forms.ModelChoiceField(label=_("Audit firm"), queryset=Organisation.objects.none())
    ledgers = forms.ModelMultipleChoiceField(label=_("Ledgers"), queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, ledgers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm"].queryset = _firms()
        self.fields["ledgers"].queryset = ledgers
        self.fields["ledgers"].label_from_instance = lambda ledger: ledger.workstation.name


class FindingForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Finding.Verdict.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class ConclusionForm(forms.Form):
    conclusion = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}))
