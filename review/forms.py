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
    "key_threshold",
]


def experts_queryset():
    return User.objects.filter(organisation__kind=OrgKind.EXPERT_POOL, is_active=True).order_by("username")


def key_holder_queryset():
    return User.objects.filter(
        organisation__kind__in=[OrgKind.CITY_BUREAU, OrgKind.DISCIPLINE_GROUP], is_active=True
    ).order_by("organisation__kind", "username")


class RoundForm(forms.ModelForm):
    key_holders = forms.ModelMultipleChoiceField(
        label=_("Key holders"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Each key holder receives one share of the key that opens the ballots; the supervisor must be one of them."
        ),
    )

    class Meta:
        model = ReviewRound
        fields = ["panel", "title", *RULE_FIELDS, "closes_at"]
        widgets = {"closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}

    def __init__(self, *args, actor: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quorum_base"].choices = [(b.value, b.label) for b in Base if b in QUORUM_BASES]
        self.fields["pass_base"].choices = [(b.value, b.label) for b in Base if b in PASS_BASES]
        self.fields["key_holders"].queryset = key_holder_queryset()
        self.fields["key_holders"].label_from_instance = lambda u: f"{u}（{u.organisation}）"
        if self.instance.pk:
            del self.fields["panel"]
            self.fields["key_holders"].initial = [kh.holder_id for kh in self.instance.key_holders.all()]
        elif actor is not None:
            from review.services.keys import default_key_holders

            self.fields["key_holders"].initial = [u.pk for u in default_key_holders(actor)]

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


class CloseForm(forms.Form):
    """The close ceremony: the key holders type (or paste) their share codes; a reason when the close is early."""

    reason = forms.CharField(label=_("Why close early"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, holders, early: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.holder_fields = []
        for kh in holders:
            name = f"share_{kh.pk}"
            self.fields[name] = forms.CharField(
                label=_("Share of %(holder)s") % {"holder": kh.holder},
                required=False,
                max_length=120,
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "font-monospace"}),
            )
            self.holder_fields.append(name)
        if early:
            self.fields["reason"].required = True
            self.fields["reason"].help_text = _("Shown to the supervisor on the oversight page.")
        else:
            del self.fields["reason"]

    def shares(self) -> list[str]:
        return [self.cleaned_data.get(name, "") for name in self.holder_fields]


class RecountForm(forms.Form):
    """The re-count opens the sealed ballots again with the key holders' shares (any ``key_threshold`` of them)."""

    shares = forms.CharField(
        label=_("Key holders' shares, one per line"),
        widget=forms.Textarea(
            attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false", "class": "font-monospace"}
        ),
        required=False,
    )

    def share_list(self) -> list[str]:
        return [line for line in self.cleaned_data.get("shares", "").splitlines() if line.strip()]
