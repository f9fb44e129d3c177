"""Forms of the publicity pages. Bad input re-renders the bound form: nothing typed is lost."""

import re
import secrets
import time

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.formfields import DateInput, document_number_field, issue_date_field
from portal.uploads import PrivateFileField
from review.publicity.models import PublicityEntry
from workstations.models import Workstation

MIN_FILL_SECONDS = 3  # a person needs longer than this to fill in the objection form; a bot does not
MAX_FORM_AGE = 6 * 3600
MAX_EVIDENCE_FILES = 5
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
_SIGNER_SALT = "publicity.objection.started"

DEFAULT_INTRO = (
    "根据《平顶山市大众创业指导大师工作室认定管理办法》（平人社办〔2024〕44号）规定，经单位申报、遴选推荐和专家评审，"
    "拟认定以下工作室为平顶山市大众创业指导大师工作室，现予以公示。"
)


class CandidateChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Workstation) -> str:
        return f"{obj.name}（{obj.host_unit.name}）"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if hasattr(value, "strftime"):
            return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if timezone.is_aware(value) else value
        return value


class PublishForm(forms.Form):
    candidates = CandidateChoiceField(
        label=_("Candidates who passed the review"),
        queryset=Workstation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    round_reference = forms.CharField(label=_("Review round"), max_length=60, required=False)
    intro = forms.CharField(
        label=_("Notice text"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The period, the rules for objections and the contact are added below this text."),
    )
    published_at = forms.DateTimeField(
        label=_("Publication time"),
        widget=DateTimeInput(),
        help_text=_("Not before now; earlier today only for a notice already posted on the bureau's website."),
    )
    website_url = forms.URLField(
        label=_("Address of the notice on the bureau's website"),
        assume_scheme="https",
        required=False,
        help_text=_("Only when the notice was posted on the website earlier today."),
    )
    website_posted_at = forms.DateTimeField(label=_("Posted on the website at"), required=False, widget=DateTimeInput())
    first_day = forms.DateField(
        label=_("First day of publicity"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for the first working day after publication; a later working day may be chosen."),
    )
    contact_office = forms.CharField(label=_("Office receiving objections"), max_length=120)
    contact_phone = forms.CharField(label=_("Phone for objections"), max_length=40)
    contact_address = forms.CharField(label=_("Address for objections"), max_length=200, required=False)

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = candidates if candidates is not None else Workstation.objects.none()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(PrivateFileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            if len(data) > MAX_EVIDENCE_FILES:
                raise forms.ValidationError(
                    _("At most %(count)d files may be attached.") % {"count": MAX_EVIDENCE_FILES}
                )
            return [super(EvidenceField, self).clean(item, initial) for item in data if item]
        cleaned = super().clean(data, initial)
        return [cleaned] if cleaned else []


def form_started_token(started: float | None = None) -> str:
    return signing.dumps(started if started is not None else time.time(), salt=_SIGNER_SALT)


class ObjectionForm(forms.Form):
    """Art. 6(4): a real-name objection; anonymous ones are not accepted (匿名反映不予受理)."""

    entry = forms.ModelChoiceField(label=_("Candidate"), queryset=PublicityEntry.objects.none(), empty_label=None)
    objector_name = forms.CharField(label=_("Your real name"), max_length=40)
    objector_phone = forms.CharField(
        label=_("Your phone number"), max_length=20, help_text=_("A mobile number, or a landline with area code.")
    )
    facts = forms.CharField(
        label=_("Facts"),
        min_length=20,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, when and where, and how it can be checked (at least 20 characters)."),
    )
    evidence = EvidenceField(label=_("Evidence (optional)"), required=False)
    # Left empty by people (the field is hidden); automated form-fillers tend to fill it.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    started = forms.CharField(widget=forms.HiddenInput)
    # One-time token of this form: sending it twice files one objection (review.publicity.objections.objection_file).
    submission = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, publicity_list=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = (
            publicity_list.entries.order_by("position") if publicity_list else PublicityEntry.objects.none()
        )
        self.fields["entry"].label_from_instance = lambda e: f"{e.position}. {e.workstation_name}（{e.host_unit_name}）"
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        if not self.is_bound:
            self.initial["started"] = form_started_token()
            self.initial["submission"] = secrets.token_urlsafe(24)

    def clean_submission(self):
        token = self.cleaned_data["submission"]
        if not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token):
            raise forms.ValidationError(_("The form could not be accepted. Please try again."))
        return token

    def clean_objector_name(self):
        name = self.cleaned_data["objector_name"].strip()
        if len(name) < 2 or any(ch.isdigit() for ch in name) or name in {"匿名", "无名", "某某"}:
            raise forms.ValidationError(_("Give your real name; anonymous objections are not accepted."))
        return name

    def clean_objector_phone(self):
        phone = re.sub(r"[\s()（）]", "", self.cleaned_data["objector_phone"])
        if not PHONE_RE.match(phone):
            raise forms.ValidationError(_("Enter a mobile number (11 digits) or a landline with its area code."))
        return phone

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(_("The form could not be accepted. Please try again."), code="honeypot")
        try:
            started = float(signing.loads(self.data.get("started", ""), salt=_SIGNER_SALT, max_age=MAX_FORM_AGE))
        except (signing.BadSignature, TypeError, ValueError):
            # Expired or tampered: a new token goes out with the re-rendered form.
            self.data = self.data.copy()
            self.data["started"] = form_started_token()
            raise forms.ValidationError(
                _("The form was open too long. Check your entries and send it again."), code="expired"
            ) from None
        if time.time() - started < MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _("The form was sent too quickly. Check your entries and send it again."), code="too_fast"
            )
        return cleaned


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class InvestigationForm(forms.Form):
    investigation = forms.CharField(label=_("Investigation record"), widget=forms.Textarea(attrs={"rows": 4}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the withdrawal (published with the list)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("dismissed", _("Dismiss the objection")), ("upheld", _("Uphold: the candidate is not recognised"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason (shown to the objector)"), widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmationForm(forms.Form):
    candidates = CandidateChoiceField(
        label=_("Candidates cleared by publicity"),
        queryset=Workstation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("Leave empty for the usual title.")
    )
    seq = document_number_field()
    issued_on = issue_date_field()

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = candidates if candidates is not None else Workstation.objects.none()
