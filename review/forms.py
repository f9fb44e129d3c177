from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Organisation, User
from portal.roles import OrgKind
from review.models import ExpertProfile, Panel, ReviewRound
from review.rules import PASS_BASES, QUORUM_BASES, Base, Choice

RULE_FIELDS = [
    "quorum_numerator",
    "quorum_denominator",
    "quorum_base",
    "quorum_comparison",
    "pass_numerator",
    "pass_denominator",
    "pass_base",
    "pass_comparison",
    "abstentions_count",
    "min_eligible",
    "places",
]


def experts_queryset():
    return User.objects.filter(organisation__kind=OrgKind.EXPERT_POOL, is_active=True).order_by("username")


class RoundForm(forms.ModelForm):
    class Meta:
        model = ReviewRound
        fields = ["panel", "title", *RULE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quorum_base"].choices = [(b.value, b.label) for b in Base if b in QUORUM_BASES]
        self.fields["pass_base"].choices = [(b.value, b.label) for b in Base if b in PASS_BASES]
        if self.instance.pk:
            del self.fields["panel"]

    def rule(self) -> dict:
        return {name: self.cleaned_data[name] for name in RULE_FIELDS}


class PanelForm(forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        label=_("Members"), queryset=experts_queryset(), widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Panel
        fields = ["name", "call", "members"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = experts_queryset()
        # The call by string lookup through the model field (review does not import the applications app).
        self.fields["call"].queryset = self.fields["call"].queryset.order_by("-opens_on", "-id")
        self.fields["call"].label_from_instance = lambda call: f"{call.title}（{call.document_number}）"


class ExpertProfileForm(forms.ModelForm):
    class Meta:
        model = ExpertProfile
        fields = ["field", "title", "employer", "employer_text", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Organisation.objects.exclude(
            kind__in=[OrgKind.EXPERT_POOL, OrgKind.DISCIPLINE_GROUP]
        ).order_by("kind", "name")


class CandidatesForm(forms.Form):
    workstations = forms.ModelMultipleChoiceField(
        label=_("Recommended candidates"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workstations"].queryset = queryset
        self.fields["workstations"].label_from_instance = lambda ws: f"{ws.name}（{ws.host_unit}）"


class RecusalForm(forms.Form):
    candidate = forms.ModelChoiceField(label=_("Candidate"), queryset=None)
    expert = forms.ModelChoiceField(label=_("Expert"), queryset=None)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, review_round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = review_round.candidates.select_related("workstation")
        self.fields["candidate"].label_from_instance = lambda c: c.workstation.name
        if review_round.is_draft:
            self.fields["expert"].queryset = review_round.panel.members.order_by("username")
        else:
            self.fields["expert"].queryset = User.objects.filter(review_seats__round=review_round).order_by("username")


class DeclareForm(forms.Form):
    reason = forms.CharField(label=_("Why you must stay out of this vote"), max_length=500)


class BallotForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your vote"), choices=Choice.choices, widget=forms.RadioSelect)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReceiptForm(forms.Form):
    code = forms.CharField(label=_("Receipt code"), max_length=40)
