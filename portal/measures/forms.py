"""Forms of the measures' numbers: one integer field per parameter (``params.PARAMS``), the document and the day."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.measures.params import COUNTY_KEYS, MATCHING_GRADE_LABELS, MATCHING_GRADES, PARAMS


class _DocumentForm(forms.Form):
    effective_on = forms.DateField(
        label=_("In force from"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Today or later: a new rule never reaches back to decisions already taken."),
    )
    document_number = forms.CharField(label=_("Document number"), max_length=40, help_text=_("e.g. 平人社〔2027〕3号"))
    document_title = forms.CharField(label=_("Document title"), max_length=200)
    note = forms.CharField(label=_("What changed and why"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MeasuresVersionForm(_DocumentForm):
    """A new version: the fields start from the version in force (``initial``), staff change what the document
    changed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for param in PARAMS:
            self.fields[param.key] = forms.IntegerField(
                label=f"{param.label}（{param.article_text}）",
                min_value=param.low,
                max_value=param.high,
            )

    def values(self) -> dict:
        return {p.key: self.cleaned_data[p.key] for p in PARAMS}


class CountyRuleForm(_DocumentForm):
    """Art. 12: only the parameters a county may tighten, each optional (empty: as the city)."""

    matching_min_grade = forms.ChoiceField(
        label=_("Lowest grade of the last evaluation for the county's matching grant"),
        choices=[(g, MATCHING_GRADE_LABELS[g]) for g in MATCHING_GRADES],
        required=False,
    )

    def __init__(self, *args, city=None, **kwargs):
        super().__init__(*args, **kwargs)
        for param in PARAMS:
            if param.key not in COUNTY_KEYS:
                continue
            help_text = (
                _("The city's value now: %(v)d. Empty: as the city.") % {"v": city.values[param.key]} if city else ""
            )
            self.fields[param.key] = forms.IntegerField(
                label=f"{param.label}（{param.article_text}）",
                min_value=param.low,
                max_value=param.high,
                required=False,
                help_text=help_text,
            )

    def values(self) -> dict:
        values = {k: self.cleaned_data[k] for k in COUNTY_KEYS if self.cleaned_data.get(k) is not None}
        values["matching_min_grade"] = self.cleaned_data.get("matching_min_grade") or ""
        return values
