from django import forms
from django.utils.translation import gettext_lazy as _

from portal.formfields import document_number_field, issue_date_field
from portal.uploads import PrivateFileField
from workstations.models.exits import ExitGround


class ExitRequestForm(forms.Form):
    """Art. 11(4)1: the host unit's own application for deregistration."""

    reason = forms.CharField(label=_("Reason for deregistration"), widget=forms.Textarea(attrs={"rows": 4}))
    signature_page = PrivateFileField(label=_("Signed and stamped application page"))


class ExitProposalForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Ground"), choices=[(g.value, g.label) for g in ExitGround if g != ExitGround.OWN_REQUEST]
    )
    facts = forms.CharField(label=_("Facts and reasons"), widget=forms.Textarea(attrs={"rows": 5}))
    source_reference = forms.CharField(
        label=_("Linked record"),
        required=False,
        help_text=_("E.g. the failed evaluation and rectification, or the audit finding this rests on."),
    )
    evidence_record = forms.ChoiceField(
        label=_("Record the exit rests on"),
        required=False,
        help_text=_(
            "Required for a failed rectification (a rectification that ended as failed) and for misuse of funds "
            "(an audit finding of misuse)."
        ),
    )
    evidence = PrivateFileField(label=_("Evidence"), required=False)

    def __init__(self, *args, records_by_ground=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")]
        for ground, records in (records_by_ground or {}).items():
            label = ExitGround(ground).label
            group = [(r.key, f"{r.label}（{r.state}）") for r in records if r.qualifies]
            if group:
                choices.append((label, group))
        self.fields["evidence_record"].choices = choices


class StatementForm(forms.Form):
    statement = forms.CharField(label=_("Statement of the host unit"), widget=forms.Textarea(attrs={"rows": 5}))


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExitIssueForm(forms.Form):
    """确认并发文: the decision's number (assigned by the office), its date, and the answer to the statement."""

    seq = document_number_field()
    issued_on = issue_date_field()
    statement_reply = forms.CharField(
        label=_("Answer to the host unit's statement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Printed in the decision after the statement: why it does or does not change the decision."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
