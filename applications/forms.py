"""Forms of the guided application, the mentor record, materials, decisions and calls. No business rules here."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from applications.models import Application, Call, Material, Mentor, StaffMember
from applications.terms import DECLARATION_FIELDS, REPORT_SECTIONS, STATEMENTS
from portal.formfields import DateInput
from portal.idcard import normalise, validate_id_number
from portal.models import Organisation
from portal.uploads import PrivateFileField

MOBILE = re.compile(r"^1[3-9]\d{9}$")
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def _clean_phone(value: str, *, mobile_only: bool = False) -> str:
    value = (value or "").strip().replace(" ", "")
    if not value:
        return value
    if not (MOBILE if mobile_only else PHONE).match(value):
        raise ValidationError(
            _("Enter an 11-digit mobile number such as 13812345678.")
            if mobile_only
            else _("Enter a mobile number (13812345678) or a landline with area code (0375-1234567).")
        )
    return value


def _textareas(names, rows=4):
    return {name: forms.Textarea(attrs={"rows": rows}) for name in names}


class UnitForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = [
            "host_type",
            "unit_profile",
            "address",
            "contact_person",
            "contact_phone",
            "county_recognition_county",
            "county_recognition_number",
            "county_recognition_date",
        ]
        widgets = {
            "unit_profile": forms.Textarea(attrs={"rows": 4}),
            "contact_phone": forms.TextInput(),
            "county_recognition_date": DateInput(),
        }
        help_texts = {
            "county_recognition_number": gettext_lazy(
                "Art. 6(2): a host unit that is not a university is selected as a county-level workstation. Give the "
                "county's recognition document (and upload its scan under Materials); without it the checklist asks "
                "the recommender to judge."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_type"].required = True
        self.fields["county_recognition_county"].queryset = Organisation.objects.filter(kind="county_bureau")

    def clean_contact_phone(self):
        return _clean_phone(self.cleaned_data["contact_phone"])

    def clean_contact_person(self):
        value = self.cleaned_data["contact_person"].strip()
        if value == "联系人":
            raise ValidationError(_("Enter the contact person's name."))
        return value

    def clean(self):
        data = super().clean()
        parts = [
            data.get("county_recognition_county"),
            data.get("county_recognition_number"),
            data.get("county_recognition_date"),
        ]
        if any(parts) and not all(parts):
            raise ValidationError(
                _("For a county-level recognition give the county, the document number and the date, or none.")
            )
        day = data.get("county_recognition_date")
        from applications.models.calls import today

        if day and day > today():
            self.add_error("county_recognition_date", _("The date cannot lie in the future."))
        return data


class TeamForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["lead_mentor", "mentors"]
        widgets = {"mentors": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        own = Mentor.objects.filter(host_unit_id=self.instance.workstation.host_unit_id).order_by("name")
        self.fields["lead_mentor"].queryset = own
        self.fields["mentors"].queryset = own
        self.fields["mentors"].label = gettext_lazy("Further mentors (at least two besides the lead mentor)")
        self.fields["mentors"].label_from_instance = lambda m: (
            f"{m.name}（{m.position or '—'}，{m.years_of_service}年）"
        )


class StaffForm(forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = ["name", "position", "phone"]
        widgets = {"phone": forms.TextInput()}

    def clean_phone(self):
        return _clean_phone(self.cleaned_data["phone"])


def staff_formset(data, *, instance: Application):
    """Enough empty rows to reach the staff of Art. 5(3)1 (the measures' numbers in force) in one go, and always at
    least one more."""
    from portal.measures.selectors import measures_in_force

    existing = instance.staff.count()
    formset_class = forms.inlineformset_factory(
        Application,
        StaffMember,
        form=StaffForm,
        extra=max(1, measures_in_force().min_staff - existing),
        can_delete=True,
        max_num=50,
        validate_max=True,
    )
    return formset_class(data, instance=instance, prefix="staff")


class StatementsForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = [name for name, _label in STATEMENTS]
        widgets = _textareas(fields)


class ReportForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = [name for name, _label in REPORT_SECTIONS]
        widgets = _textareas(fields, rows=6)


class SiteForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["site_address", "site_area", "equipment", "site_provided"]
        widgets = {"equipment": forms.Textarea(attrs={"rows": 3})}


class RecommenderForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["recommender"]

    def __init__(self, *args, recommenders=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommender"].queryset = recommenders if recommenders is not None else Organisation.objects.none()
        self.fields["recommender"].required = True
        self.fields["recommender"].help_text = gettext_lazy(
            "Art. 6(2): the county bureau selects candidates from universities and county-level workstations; a "
            "university may recommend its own host units directly when the call allows it."
        )


class MentorForm(forms.ModelForm):
    id_number_input = forms.CharField(
        label=gettext_lazy("ID number"),
        max_length=18,
        min_length=18,
        help_text=gettext_lazy("18 characters; stored encrypted and shown masked."),
    )

    class Meta:
        model = Mentor
        fields = [
            "name",
            "phone",
            "position",
            "years_of_service",
            "certificates",
            "commendations",
            "achievements",
            *DECLARATION_FIELDS,
        ]
        widgets = {
            "phone": forms.TextInput(),
            **_textareas(["certificates", "commendations", "achievements"], rows=2),
        }

    field_order = ["name", "id_number_input", "phone"]

    def __init__(self, *args, host_unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.host_unit = host_unit
        if self.instance.pk and not self.is_bound:
            # Editing: the number is not shown again; leave it blank to keep it.
            self.fields["id_number_input"].required = False
            self.fields["id_number_input"].help_text = _("Now %(masked)s. Leave blank to keep it.") % {
                "masked": self.instance.masked_id_number
            }
        elif self.instance.pk:
            self.fields["id_number_input"].required = False

    def clean_id_number_input(self):
        value = normalise(self.cleaned_data.get("id_number_input", ""))
        if not value:
            return ""
        validate_id_number(value)
        from applications.services import mentor_id_taken

        if self.host_unit and mentor_id_taken(host_unit=self.host_unit, id_number=value, exclude_pk=self.instance.pk):
            raise ValidationError(_("A mentor with this ID number is already in your records."))
        return value

    def clean_phone(self):
        return _clean_phone(self.cleaned_data["phone"], mobile_only=True)


class MaterialForm(forms.ModelForm):
    upload = PrivateFileField(label=pgettext_lazy("upload", "File"))

    class Meta:
        model = Material
        fields = ["mentor", "kind", "level", "title"]

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = application.mentors.order_by("name") if application else Mentor.objects.none()
        self.fields["mentor"].required = False
        self.fields["mentor"].label = gettext_lazy("Mentor (for ID cards, certificates, awards and honours)")

    def clean(self):
        data = super().clean()
        kind, mentor, level = data.get("kind"), data.get("mentor"), data.get("level")
        personal = {Material.Kind.ID_CARD, Material.Kind.CERTIFICATE, *Material.LEVELLED_KINDS}
        if kind in personal and mentor is None:
            self.add_error("mentor", _("Choose the mentor this material belongs to."))
        if kind in Material.LEVELLED_KINDS and not level:
            self.add_error("level", _("Give the level of the award or honour."))
        return data


class RecommendForm(forms.Form):
    """Art. 6(2): the recommender's opinion (推荐意见) and, optionally, the stamped recommendation letter."""

    opinion = forms.CharField(
        label=gettext_lazy("Recommendation opinion"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    letter = PrivateFileField(label=gettext_lazy("Stamped recommendation letter (optional)"), required=False)


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _PhotosField(PrivateFileField):
    """Several photos at once; each one is checked like any private upload."""

    widget = _MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [PrivateFileField.clean(self, f, initial) for f in files if f]


class SiteVisitForm(forms.Form):
    visited_on = forms.DateField(label=gettext_lazy("Visited on"), widget=DateInput())
    people = forms.CharField(label=gettext_lazy("Visited by"), max_length=300)
    findings = forms.CharField(label=gettext_lazy("Findings"), widget=forms.Textarea(attrs={"rows": 3}))
    photos = _PhotosField(label=gettext_lazy("Photos"), required=False)


class ReplaceForm(forms.Form):
    upload = PrivateFileField(label=gettext_lazy("New version"))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class CallForm(forms.ModelForm):
    class Meta:
        model = Call
        fields = [
            "title",
            "document_number",
            "opens_on",
            "closes_on",
            "recommendation_deadline",
            "universities_recommend_own",
            "grant_amount",
            "conditions",
        ]
        widgets = {
            "opens_on": DateInput(),
            "closes_on": DateInput(),
            "recommendation_deadline": DateInput(),
            "conditions": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = {q.recommender_id: q.places for q in self.instance.quotas.all()} if self.instance.pk else {}
        self.recommenders = list(Organisation.objects.recommenders().order_by("kind", "code", "name"))
        for org in self.recommenders:
            self.fields[f"quota_{org.pk}"] = forms.IntegerField(
                label=org.display_short, min_value=0, max_value=99, required=False, initial=current.get(org.pk, 0)
            )

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The closing date cannot be before the opening date."))
        deadline = data.get("recommendation_deadline")
        if deadline and closes and deadline < closes:
            self.add_error(
                "recommendation_deadline", _("Recommenders select after the applications are in: not before closing.")
            )
        return data

    def quota_fields(self):
        return [self[f"quota_{org.pk}"] for org in self.recommenders]

    def quotas(self) -> dict[int, int]:
        return {org.pk: self.cleaned_data.get(f"quota_{org.pk}") or 0 for org in self.recommenders}
