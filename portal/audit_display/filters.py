"""The filters of the audit page (kind, words, person, workstation, dates) turned into one query of the trail."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django import forms
from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import AuditEvent
from portal.audit_display.describe import _model, _paths_to_workstation
from portal.audit_display.kinds import FOLDED_GROUP, GROUPS, NAMESPACE_GROUPS, WORKSTATION, Kind, kind_choices, kinds


def _kind_q(kind: Kind) -> Q:
    if kind.key.startswith("http:"):
        return Q(action__startswith="http.", after__view=kind.key[5:])
    return Q(action=kind.key)


def _same_words(kind: Kind) -> list[Kind]:
    return [k for k in kinds().values() if k.group == kind.group and str(k.label) == str(kind.label)]


def group_q(group: str) -> Q:
    """Every event of an area: its known kinds, and the page actions of its URL namespaces."""
    q = Q(pk__in=[])
    for kind in kinds().values():
        if kind.group == group:
            q |= _kind_q(kind)
    for namespace, ns_group in NAMESPACE_GROUPS.items():
        if ns_group == group:
            q |= Q(action__startswith="http.", after__view__startswith=f"{namespace}:")
    if group != "other":
        # A code not in the table reads in the area of its prefix (kind_of); the table's own codes stay in theirs.
        elsewhere = [k.key for k in kinds().values() if k.group != group and k.key.startswith(f"{group}.")]
        q |= Q(action__startswith=f"{group}.") & ~Q(action__in=elsewhere)
    return q


def kind_q(key: str) -> Q:
    if key.startswith("group:"):
        return group_q(key[6:])
    kind = kinds()[key]
    q = Q(pk__in=[])
    for same in _same_words(kind):
        q |= _kind_q(same)
    return q


def words_q(words: str) -> Q | None:
    """The kinds whose words (or whose area's words) contain ``words``, in the reader's language; None: none do."""
    needle = words.strip().casefold()
    q, found = Q(pk__in=[]), False
    for group in GROUPS.values():
        if needle in str(group.label).casefold():
            q |= group_q(group.key)
            found = True
    for kind in kinds().values():
        if needle in str(kind.label).casefold():
            q |= _kind_q(kind)
            found = True
    return q if found else None


# --- the filter form --------------------------------------------------------------------------------------------


SELECTS = ("kind",)


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of event"), required=False)
    words = forms.CharField(label=_("Words"), required=False, max_length=40)
    person = forms.CharField(label=_("Person"), required=False, max_length=60)
    workstation = forms.CharField(label=_("Workstation"), required=False, max_length=60)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    sessions = forms.BooleanField(label=_("Show sign-ins and sign-outs"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *kind_choices()]
        # Some 200 options: each one's markup inline, not two template includes an option (issue 21).
        self.fields["kind"].widget.template_name = "portal/widgets/select.html"
        for name, bound in self.fields.items():
            css = "form-check-input" if name == "sessions" else "form-select" if name in SELECTS else "form-control"
            bound.widget.attrs.update({"class": css, "id": f"audit-{name}"})
        self.fields["words"].widget.attrs["placeholder"] = _("e.g. voting, exit")
        self.fields["workstation"].widget.attrs["placeholder"] = _("mentor's name or number")

    def clean_words(self):
        words = self.cleaned_data["words"].strip()
        if words and words_q(words) is None:
            raise forms.ValidationError(
                _("No kind of event reads “%(words)s”. Try a shorter word, or choose a kind from the list."),
                params={"words": words},
            )
        return words

    def clean_workstation(self) -> list[int]:
        """The workstations the typed name (the lead mentor's, or part of the workstation's name) or number names;
        a bounded few (issue 21: the page offers no list of every workstation of the city)."""
        text = self.cleaned_data["workstation"].strip().removesuffix(WORKSTATION_SUFFIX).strip()
        if not text:
            return []
        ids = workstation_matches(text)
        if not ids:
            raise forms.ValidationError(_("No workstation is called “%(text)s”."), params={"text": text})
        if len(ids) > WORKSTATION_MATCHES:
            raise forms.ValidationError(
                _("%(n)d workstations match “%(text)s”; type more of the name."), params={"n": len(ids), "text": text}
            )
        return ids

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


WORKSTATION_MATCHES = 20
WORKSTATION_SUFFIX = "大众创业指导大师工作室"


def workstation_matches(text: str) -> list[int]:
    """Workstations past their draft whose number is ``text`` or whose lead mentor's name contains it (one query,
    at most ``WORKSTATION_MATCHES`` + 1 ids: enough to tell "too many")."""
    try:
        model = apps.get_model("workstations", "Workstation")
    except LookupError:
        return []
    q = Q(lead_mentor_name__icontains=text)
    if text.isdigit():
        q |= Q(pk=int(text))
    rows = model.objects.exclude(state="draft").filter(q).order_by("pk")
    return list(rows.values_list("pk", flat=True)[: WORKSTATION_MATCHES + 1])


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def workstation_q(workstation_ids: Iterable[int]) -> Q:
    """Every event about these workstations: each workstation itself, any object that belongs to one (directly or
    through one related object), and the page actions on those objects. One query per kind of object, however many
    workstations the filter names."""
    ws_ids = sorted(set(workstation_ids))
    q = Q(object_type=WORKSTATION, object_id__in=[str(i) for i in ws_ids])
    for arg in {kind.arg for kind in kinds().values() if kind.model == WORKSTATION}:
        values = [str(i) for i in ws_ids] if arg == "object_id" else ws_ids
        views = _views_of(WORKSTATION, arg)
        q |= Q(action__startswith="http.", after__view__in=views, **{f"after__args__{arg}__in": values})
    labels = {kind.model for kind in kinds().values() if kind.model} | _OBJECT_MODELS
    for label in sorted(labels - {WORKSTATION}):
        model = _model(label)
        paths = _paths_to_workstation(model) if model is not None else []
        if not paths:
            continue
        ids = list(model._default_manager.filter(**{f"{paths[0]}__in": ws_ids}).values_list("pk", flat=True))
        if not ids:
            continue
        q |= Q(object_type=label, object_id__in=[str(i) for i in ids])
        for arg in {kind.arg for kind in kinds().values() if kind.model == label}:
            views = _views_of(label, arg)
            values = [str(i) for i in ids] if arg == "object_id" else ids  # the admin's ids are path strings
            q |= Q(action__startswith="http.", after__view__in=views, **{f"after__args__{arg}__in": values})
    return q


# The models services name as the object of their events (portal.audit.audit_record's ``obj``).
_OBJECT_MODELS = {
    "workstations.exitcase",
    "workstations.plaque",
    "workstations.activityreport",
    "workstations.term",
    "workstations.countyopinion",
    "applications.application",
    "applications.material",
    "applications.sitevisit",
    "review.objection",
    "review.publicitylist",
    "subsidies.ledger",
    "subsidies.entry",
    "subsidies.disbursement",
    "subsidies.grantpublicity",
}


def _views_of(label: str, arg: str) -> list[str]:
    return [k.key[5:] for k in kinds().values() if k.model == label and k.arg == arg]


def person_q(text: str) -> Q:
    """Events by the people whose name, login name or organisation contains ``text``."""
    text = text.strip()
    return (
        Q(actor__full_name__icontains=text)
        | Q(actor__username__icontains=text)
        | Q(actor__organisation__name__icontains=text)
        | Q(actor__organisation__short_name__icontains=text)
        | Q(actor__isnull=True, actor_name__icontains=text)
    )


@dataclass
class Filtered:
    events: models.QuerySet
    folded: int  # sign-ins and sign-outs left out (0 when shown)
    show_sessions: bool
    params: dict = field(default_factory=dict)


def filter_events(form: AuditFilterForm) -> Filtered:
    """The events the valid parts of ``form`` select, newest first; an invalid field is ignored (its message is
    shown and its value kept). Sign-ins and sign-outs are folded unless asked for or chosen as the kind."""
    data = form.cleaned_data if form.is_bound else {}
    errors = set(form.errors) if form.is_bound else set()
    events = AuditEvent.objects.all()
    kind = data.get("kind") or ""
    if kind and "kind" not in errors:
        events = events.filter(kind_q(kind))
    words = data.get("words") or ""
    if words and "words" not in errors:
        events = events.filter(words_q(words))
    person = data.get("person") or ""
    if person and "person" not in errors:
        events = events.filter(person_q(person))
    workstations = data.get("workstation") or []
    if workstations and "workstation" not in errors:
        events = events.filter(workstation_q(workstations))
    if "date_to" not in errors:
        if data.get("date_from"):
            events = events.filter(at__gte=_day_start(data["date_from"]))
        if data.get("date_to"):
            events = events.filter(at__lt=_day_start(data["date_to"] + timedelta(days=1)))
    chosen_sessions = kind == f"group:{FOLDED_GROUP}" or (kind in kinds() and kinds()[kind].group == FOLDED_GROUP)
    show = bool(data.get("sessions")) or chosen_sessions
    folded = 0
    if not show:
        session = group_q(FOLDED_GROUP)
        folded = events.filter(session).count()
        events = events.exclude(session)
    params = {
        name: (value.isoformat() if hasattr(value, "isoformat") else value)
        for name, value in data.items()
        if value not in (None, "", False, []) and name not in errors
    }
    if "workstation" in params:  # the pager and the export keep what was typed, not the ids it found
        params["workstation"] = form.data.get("workstation", "").strip()
    return Filtered(events.order_by("-seq"), folded, show, params)
