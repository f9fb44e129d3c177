"""Forms for plans, activity reports, major events, evaluations and rectification. Validation of input only; the
rules live in the services."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.formfields import DateInput
from portal.uploads import PrivateFileField, validate_upload
from workstations.models.evaluations import EvaluationKind
from workstations.models.outcomes import (
    ActivityKind,
    ActivitySetting,
    EventKind,
    MentorChangeKind,
    MentorRole,
    WorkPlan,
)
from workstations.services.outcomes import Trainee


class PlanForm(forms.ModelForm):
    class Meta:
        model = WorkPlan
        fields = ["direction", "focus", "scale", "targets_year1", "targets_year2", "targets_year3", "measures"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(PrivateFileField):
    """Several evidence files at once, each checked by content and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        for f in files:
            f.detected_type = validate_upload(f)
        return files


class EvidenceAddForm(forms.Form):
    files = EvidenceField(label=_("Evidence to add (photos, sign-in sheets, notices)"), required=False)


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    held_on = forms.DateField(label=_("Date held"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=200)
    setting = forms.ChoiceField(
        label=_("Setting (themed activities)"), choices=[("", "—"), *ActivitySetting.choices], required=False
    )
    participant_count = forms.IntegerField(label=_("Number of participants"), min_value=1)
    participants = forms.CharField(label=_("Participants"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    trainees = forms.CharField(
        label=_("Backbone staff trained"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One person per line: name, then workplace or post (e.g. “李明 鹰城创业孵化基地 创业指导员”)."),
    )
    evidence = EvidenceField(label=_("Evidence (photos, sign-in sheets, notices)"), required=False)

    def clean_trainees(self) -> list[Trainee]:
        people = []
        for line in self.cleaned_data["trainees"].splitlines():
            parts = line.replace("，", " ").replace(",", " ").split(maxsplit=1)
            if parts:
                people.append(Trainee(name=parts[0][:60], workplace=(parts[1] if len(parts) > 1 else "")[:120]))
        return people


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note to the host unit"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class MajorEventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput())
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence = PrivateFileField(label=_("Evidence"), required=False)


class MentorChangeForm(forms.Form):
    person_name = forms.CharField(label=_("Name"), max_length=60)
    role = forms.ChoiceField(label=_("Role"), choices=MentorRole.choices)
    change = forms.ChoiceField(label=_("Change"), choices=MentorChangeKind.choices)
    effective_on = forms.DateField(label=_("Effective on"), widget=DateInput())
    qualified = forms.BooleanField(label=_("Meets the lead-mentor conditions (Art. 5(2))"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=120, required=False)


MentorChangeFormSet = forms.formset_factory(MentorChangeForm, extra=3, max_num=10)


def _band(key: str):
    """The grade band of the measures' numbers in force today (portal.measures), as the field's initial value."""

    def initial() -> Decimal:
        from portal.measures.selectors import measures_in_force

        return Decimal(measures_in_force().values[key])

    return initial


class EvaluationOpenForm(forms.Form):
    year = forms.IntegerField(label=_("Year evaluated"), min_value=2020, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), choices=EvaluationKind.choices)
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    consultation_max = forms.IntegerField(label=_("Points: consultations (automatic)"), min_value=0, initial=15)
    themed_max = forms.IntegerField(label=_("Points: themed activities (automatic)"), min_value=0, initial=15)
    training_max = forms.IntegerField(label=_("Points: backbone staff trained (automatic)"), min_value=0, initial=15)
    services_max = forms.IntegerField(
        label=_("Points: work results from Art. 4 services and Art. 10 reports (automatic)"), min_value=0, initial=20
    )
    staff_items = forms.CharField(
        label=_("Items scored by staff"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial="三年工作规划及落实|15\n场地设备与经费保障|20",
        help_text=_("One item per line: name|points. All points together must make 100."),
    )
    excellent_min = forms.DecimalField(
        label=_("Excellent from"), initial=_band("excellent_min"), max_digits=5, decimal_places=1
    )
    good_min = forms.DecimalField(label=_("Good from"), initial=_band("good_min"), max_digits=5, decimal_places=1)
    pass_min = forms.DecimalField(label=_("Pass from"), initial=_band("pass_min"), max_digits=5, decimal_places=1)
    early_reason = forms.CharField(
        label=_("Reason for an early evaluation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only to evaluate a year that has not ended: its running quarters do not count. Leave empty otherwise."
        ),
    )

    def clean(self):
        data = super().clean()
        items = []
        for n, line in enumerate((data.get("staff_items") or "").splitlines(), start=1):
            if not line.strip():
                continue
            label, sep, points = line.rpartition("|")
            if not sep or not label.strip() or not points.strip().isdigit():
                self.add_error("staff_items", _("Line %(n)d is not “name|points”.") % {"n": n})
                return data
            items.append({"key": f"item{n}", "label": label.strip(), "max": int(points), "auto": ""})
        auto = [
            {"key": "consultation", "label": "区域性政策咨询与指导交流", "auto": "consultation"},
            {"key": "themed", "label": "导师进园区、进企业、进校园、进社区主题活动", "auto": "themed"},
            {"key": "training", "label": "创业服务工作骨干培养", "auto": "training"},
            {"key": "results", "label": "工作成效与社会影响", "auto": "services"},
        ]
        rubric = [{**a, "max": data.get(f"{a['auto']}_max") or 0} for a in auto] + items
        rubric = [item for item in rubric if item["max"] > 0]
        total = sum(item["max"] for item in rubric)
        if total != 100:
            raise forms.ValidationError(_("The points add up to %(total)d, not 100.") % {"total": total})
        data["rubric"] = rubric
        return data


class ScoreForm(forms.Form):
    remarks = forms.CharField(label=_("Remarks"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    award_recommended = forms.BooleanField(
        label=_("Recommend an award in lieu of subsidy (excellent results only)"), required=False
    )
    award_amount = forms.DecimalField(
        label=_("Award amount (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )

    def __init__(self, *args, rubric, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff_keys = []
        for item in rubric:
            if item.get("auto"):
                continue
            key = f"score_{item['key']}"
            self.staff_keys.append((key, item["key"]))
            self.fields[key] = forms.DecimalField(
                label=f"{item['label']}（0–{item['max']}）",
                min_value=0,
                max_value=item["max"],
                max_digits=5,
                decimal_places=1,
            )
        self.order_fields([k for k, _ in self.staff_keys])

    def staff_scores(self) -> dict:
        return {item_key: self.cleaned_data[field] for field, item_key in self.staff_keys}


class RectificationReportForm(forms.Form):
    text = forms.CharField(label=_("What was rectified"), widget=forms.Textarea(attrs={"rows": 5}))
    file = PrivateFileField(label=_("Rectification report file"), required=False)


class RectificationDecisionForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Re-evaluation"),
        choices=[("1", _("Passed: back to active")), ("0", _("Failed: propose forced exit"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Remarks"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
