from django import forms
from django.utils.translation import gettext_lazy as _

from portal.uploads import PrivateFileField


class SelfEvaluationForm(forms.Form):
    self_total = forms.DecimalField(
        label=_("Self-assessed total (out of 100)"), min_value=0, max_value=100, max_digits=4, decimal_places=1
    )
    summary = forms.CharField(label=_("Self-evaluation"), widget=forms.Textarea(attrs={"rows": 6}))


class AchievementForm(forms.Form):
    title = forms.CharField(label=_("Achievement"), max_length=120, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = PrivateFileField(label=_("Evidence"), required=False)


AchievementFormSet = forms.formset_factory(AchievementForm, extra=3, max_num=10)


class RoundPolicyForm(forms.Form):
    excellent_cap_percent = forms.IntegerField(
        label=_("At most this share excellent (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("E.g. 20: at most a fifth of the results may be excellent (rounded down). Empty: no cap."),
    )
    award_bands = forms.CharField(
        label=_("Award bands for excellent results"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: lowest total=amount in yuan, e.g. 95=30000 and 90=20000."),
    )
