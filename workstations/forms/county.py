from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CountyOpinionForm(forms.Form):
    """Art. 11(3): the county bureau's annual opinion, with an optional score out of 100."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    score = forms.DecimalField(
        label=_("County score (optional, out of 100)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=4,
        decimal_places=1,
    )
    opinion = forms.CharField(label=_("County opinion"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
