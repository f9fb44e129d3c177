"""The audit trail as a supervisor reads it (issue 19 item 5): events in words, people by name, objects by name.

The trail itself (``portal.audit``) keeps internal codes: ``auth.login``, ``workstation.recommend``, ``http.post``
with the URL name. This module turns them into the reader's language — a phrase per kind of event, grouped by area
— and resolves the people and the objects of a whole page of events in bulk (one query per kind of object on the
page, never one per row). It also turns the filters of the page (kind, words, person, workstation, dates) into one
query. It reads only: nothing here writes to the trail except :func:`record_export`.

``portal`` imports no stage app (docs/architecture.md): the models of the objects are found through the app
registry by their ``app_label.model`` name, their labels are their own ``verbose_name``s, and the workstation
transitions' words are the state machine's own labels.
"""

import contextlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.audit import AuditEvent

EXPORT_LIMIT = 10_000
WORKSTATION = "workstations.workstation"


@dataclass(frozen=True)
class Group:
    key: str
    label: str


# The areas of the kind filter, in the order of the select.
GROUPS = {
    g.key: g
    for g in (
        Group("session", _("Sign-in and sign-out")),
        Group("security", _("Account security")),
        Group("applications", _("Applications and recommendation")),
        Group("review", _("Expert review and voting")),
        Group("publicity", _("Publicity and objections")),
        Group("workstations", _("Workstations")),
        Group("subsidies", _("Subsidies")),
        Group("downloads", _("Downloads and exports")),
        Group("admin", _("System administration")),
        Group("other", _("Other actions")),
    )
}
# Folded by default: they were 60 % of the page and say nothing about what was done.
FOLDED_GROUP = "session"


@dataclass(frozen=True)
class Kind:
    key: str  # the action code, or "http:<url name>" for a page action
    group: str
    label: str
    model: str = ""  # for page actions: the model of the URL's object argument
    arg: str = "pk"


def _kinds() -> dict[str, Kind]:
    table = [
        # Events the services and signals record themselves (portal.audit.audit_record).
        ("auth.login", "session", _("Signed in")),
        ("auth.logout", "session", _("Signed out")),
        ("auth.login_failed", "security", _("Failed sign-in")),
        ("auth.lockout", "security", _("Account locked after repeated failed sign-ins")),
        ("auth.2fa_enabled", "security", _("Two-factor login set up")),
        ("auth.2fa_replaced", "security", _("Two-factor authenticator replaced")),
        ("auth.2fa_removed", "security", _("Two-factor login removed")),
        ("auth.2fa_reset", "security", _("Two-factor login reset by an administrator")),
        ("auth.2fa_failed", "security", _("Wrong two-factor code")),
        ("auth.2fa_recovery_codes_new", "security", _("New two-factor recovery codes")),
        ("auth.2fa_recovery_used", "security", _("Two-factor recovery code used")),
        ("application.withdraw_draft", "applications", _("Application draft withdrawn")),
        ("application.site_visit", "applications", _("Site visit recorded")),
        ("material.original_checked", "applications", _("Original document checked")),
        ("applications.id_card_download", "downloads", _("ID card image downloaded")),
        ("objection.reveal_phone", "downloads", _("Objector's phone number revealed")),
        ("audit.export", "downloads", _("Audit trail exported")),
        ("publicity.withdrawn", "publicity", _("Publicity list withdrawn")),
        ("objection.investigate", "publicity", _("Objection investigation started")),
        ("objection.upheld", "publicity", _("Objection upheld")),
        ("objection.dismissed", "publicity", _("Objection dismissed")),
        ("workstation.county_opinion", "workstations", _("County opinion recorded")),
        ("workstation.term_renewed", "workstations", _("Term renewed")),
        ("plaque.hand_over_corrected", "workstations", _("Plaque hand-over corrected")),
        ("report.evidence_added", "workstations", _("Evidence added to an activity report")),
        ("evaluation.policy", "workstations", _("Evaluation round policy set")),
        ("exit.proposed", "workstations", _("Exit proposed")),
        ("exit.statement", "workstations", _("Exit statement filed")),
        ("exit.confirmed", "workstations", _("Exit confirmed")),
        ("exit.rejected", "workstations", _("Exit rejected")),
        ("subsidies.grant_published", "subsidies", _("Subsidy grant published")),
        ("subsidies.grant_paid", "subsidies", _("Subsidy payment recorded")),
        ("subsidies.ledger_closed", "subsidies", _("Subsidy ledger closed")),
    ]
    kinds = {key: Kind(key, group, label) for key, group, label in table}
    kinds.update(_transition_kinds())
    kinds.update(_page_kinds())
    kinds.update(_admin_kinds())
    return kinds


def _admin_kinds() -> dict[str, Kind]:
    """Changes through the Django admin: adding, changing or deleting a record of any registered model."""
    from django.contrib import admin

    words = {
        "add": _("Administration: {} added"),
        "change": _("Administration: {} changed"),
        "delete": _("Administration: {} deleted"),
    }
    kinds = {}
    for model in admin.site._registry:
        opts = model._meta
        for action, phrase in words.items():
            key = f"http:admin:{opts.app_label}_{opts.model_name}_{action}"
            arg = "" if action == "add" else "object_id"
            name = MODEL_NAMES.get(opts.label_lower, opts.verbose_name)
            kinds[key] = Kind(key, "admin", format_lazy(phrase, name), opts.label_lower if arg else "", arg)
    return kinds


def _transition_kinds() -> dict[str, Kind]:
    """``workstation.<transition>``: one kind per transition of the state machine, in its own words."""
    try:
        model = apps.get_model("workstations", "Workstation")
    except LookupError:
        return {}
    kinds = {}
    for t in model._meta.get_field("state").get_all_transitions(model):
        label = (t.custom or {}).get("label", t.name)
        key = f"workstation.{t.name}"
        if key not in kinds:
            kinds[key] = Kind(key, "workstations", format_lazy(_("Workstation state change: {}"), label))
    return kinds


# Page actions (any POST of a logged-in user, portal.middleware.AuditMiddleware): URL name → words, and the model
# of the object the URL names (its ``pk`` argument unless said otherwise).
PAGES = [
    # account and inbox
    ("password_change", "security", _("Password changed"), "", ""),
    ("otp_setup", "security", _("Two-factor setup page used"), "", ""),
    ("otp_verify", "security", _("Two-factor code entered"), "", ""),
    ("otp_recovery_codes", "security", _("Recovery codes page used"), "", ""),
    ("otp_recovery_regenerate", "security", _("New recovery codes requested"), "", ""),
    ("otp_remove", "security", _("Two-factor removal requested"), "", ""),
    ("otp_reset", "security", _("Another user's two-factor login reset"), "portal.user", "pk"),
    ("notification_open", "other", _("Message opened"), "portal.notification", "pk"),
    ("inbox_mark_all_read", "other", _("All messages marked as read"), "", ""),
    # applications and recommendation
    ("applications:call_create", "applications", _("Call created"), "", ""),
    ("applications:call_edit", "applications", _("Call edited"), "applications.call", "pk"),
    ("applications:call_close", "applications", _("Call closed"), "applications.call", "pk"),
    ("applications:call_candidates", "applications", _("Call candidates changed"), "applications.call", "pk"),
    ("applications:recommender_desk", "applications", _("Recommendations made"), "applications.call", "pk"),
    ("applications:start", "applications", _("Application started"), "applications.call", "call_pk"),
    ("applications:mentor_create", "applications", _("Mentor added"), "", ""),
    ("applications:mentor_edit", "applications", _("Mentor edited"), "applications.mentor", "pk"),
    ("applications:detail", "applications", _("Application changed"), "applications.application", "pk"),
    ("applications:step", "applications", _("Application form saved"), "applications.application", "pk"),
    ("applications:submit", "applications", _("Application submitted"), "applications.application", "pk"),
    ("applications:withdraw", "applications", _("Application withdrawn"), "applications.application", "pk"),
    (
        "applications:recommendation_letter",
        "applications",
        _("Recommendation letter filed"),
        "applications.application",
        "pk",
    ),
    ("applications:qualification", "applications", _("Qualification checked"), "applications.application", "pk"),
    ("applications:site_visit_add", "applications", _("Site visit recorded"), "applications.application", "pk"),
    (
        "applications:material_original",
        "applications",
        _("Original document checked"),
        "applications.material",
        "material_pk",
    ),
    ("applications:decide", "applications", _("Application decided"), "applications.application", "pk"),
    ("applications:move", "applications", _("Application moved on"), "applications.application", "pk"),
    ("applications:materials", "applications", _("Material uploaded"), "applications.application", "pk"),
    (
        "applications:material_replace",
        "applications",
        _("Material replaced"),
        "applications.material",
        "material_pk",
    ),
    ("applications:material_remove", "applications", _("Material removed"), "applications.material", "material_pk"),
    # expert review and voting (ballots themselves are never in the trail: settings.AUDIT_EXCLUDED_URL_NAMES)
    ("review:round_create", "review", _("Review round created"), "", ""),
    ("review:round_detail", "review", _("Review round changed"), "review.reviewround", "pk"),
    ("review:round_rule", "review", _("Voting rule set"), "review.reviewround", "pk"),
    ("review:round_candidates", "review", _("Review candidates changed"), "review.reviewround", "pk"),
    ("review:recusal_record", "review", _("Recusal recorded"), "review.reviewround", "pk"),
    ("review:round_open", "review", _("Voting opened"), "review.reviewround", "pk"),
    ("review:round_close", "review", _("Voting closed"), "review.reviewround", "pk"),
    ("review:key_share", "review", _("Ballot key share entered"), "review.reviewround", "pk"),
    ("review:round_delete", "review", _("Review round deleted"), "review.reviewround", "pk"),
    ("review:round_oversight", "review", _("Voting oversight recorded"), "review.reviewround", "pk"),
    ("review:round_recount", "review", _("Ballots recounted"), "review.reviewround", "pk"),
    ("review:recusal_declare", "review", _("Recusal declared"), "review.roundcandidate", "cid"),
    ("review:candidate_requeue", "review", _("Candidate put back to the vote"), "review.roundcandidate", "cid"),
    ("review:panel_create", "review", _("Expert panel created"), "", ""),
    ("review:panel_edit", "review", _("Expert panel changed"), "review.panel", "pk"),
    ("review:expert_profile_edit", "review", _("Expert profile changed"), "portal.user", "user_pk"),
    # publicity and objections
    ("publicity:publish", "publicity", _("Publicity list published"), "", ""),
    ("publicity:close_now", "publicity", _("Publicity closed"), "", ""),
    ("publicity:list_withdraw", "publicity", _("Publicity list withdrawn"), "review.publicitylist", "pk"),
    ("publicity:objection_reveal_phone", "downloads", _("Objector's phone number revealed"), "review.objection", "pk"),
    ("publicity:objection_investigate", "publicity", _("Objection investigation started"), "review.objection", "pk"),
    ("publicity:objection_decide", "publicity", _("Objection decided"), "review.objection", "pk"),
    ("publicity:confirmations", "publicity", _("Confirmation document issued"), "", ""),
    ("plaques:issue", "workstations", _("Plaque issued"), WORKSTATION, "workstation_pk"),
    ("plaques:hand_over", "workstations", _("Plaque handed over"), "workstations.plaque", "pk"),
    (
        "plaques:hand_over_correct",
        "workstations",
        _("Plaque hand-over corrected"),
        "workstations.plaque",
        "pk",
    ),
    # workstations
    ("workstations:detail", "workstations", _("Workstation changed"), WORKSTATION, "pk"),
    ("workstations:plan_new", "workstations", _("Work plan filed"), WORKSTATION, "pk"),
    ("workstations:report_new", "workstations", _("Activity report filed"), WORKSTATION, "pk"),
    ("workstations:major_event_new", "workstations", _("Major event reported"), WORKSTATION, "pk"),
    ("workstations:report_accept", "workstations", _("Activity report accepted"), "workstations.activityreport", "pk"),
    ("workstations:report_reject", "workstations", _("Activity report returned"), "workstations.activityreport", "pk"),
    (
        "workstations:report_add_evidence",
        "workstations",
        _("Evidence added to an activity report"),
        "workstations.activityreport",
        "pk",
    ),
    ("workstations:major_event", "workstations", _("Major event acknowledged"), "workstations.majoreventreport", "pk"),
    ("workstations:evaluation_new", "workstations", _("Evaluation round opened"), "", ""),
    ("workstations:evaluation", "workstations", _("Evaluation round changed"), "workstations.evaluation", "pk"),
    ("workstations:evaluation_close", "workstations", _("Evaluation round closed"), "workstations.evaluation", "pk"),
    ("workstations:result_score", "workstations", _("Evaluation scored"), "workstations.evaluationresult", "pk"),
    ("workstations:self_evaluation", "workstations", _("Self-evaluation filed"), "workstations.evaluationresult", "pk"),
    ("workstations:round_policy", "workstations", _("Evaluation round policy set"), "workstations.evaluation", "pk"),
    ("workstations:rectification", "workstations", _("Rectification handled"), "workstations.rectification", "pk"),
    ("workstations:service_new", "workstations", _("Service record filed"), WORKSTATION, "pk"),
    ("workstations:county_opinion", "workstations", _("County opinion recorded"), WORKSTATION, "pk"),
    ("workstations:term_renew", "workstations", _("Term renewed"), WORKSTATION, "pk"),
    ("workstations:exit_statement", "workstations", _("Exit statement filed"), "workstations.exitcase", "pk"),
    ("workstations:exit_confirm", "workstations", _("Exit confirmed"), "workstations.exitcase", "pk"),
    ("workstations:exit_reject", "workstations", _("Exit rejected"), "workstations.exitcase", "pk"),
    ("workstations:exit_document", "workstations", _("Exit document issued"), "workstations.exitcase", "pk"),
    ("workstations:exit_request", "workstations", _("Exit requested"), WORKSTATION, "pk"),
    ("workstations:exit_propose", "workstations", _("Exit proposed"), WORKSTATION, "pk"),
    # subsidies
    ("subsidies:record", "subsidies", _("Ledger entry recorded"), WORKSTATION, "pk"),
    ("subsidies:award_from_result", "subsidies", _("Award booked"), "workstations.evaluationresult", "pk"),
    ("subsidies:reverse", "subsidies", _("Ledger entry reversed"), "subsidies.entry", "pk"),
    ("subsidies:review", "subsidies", _("Expenditure reviewed"), "subsidies.entry", "pk"),
    ("subsidies:ledger", "subsidies", _("Ledger changed"), WORKSTATION, "pk"),
    ("subsidies:disbursement", "subsidies", _("Subsidy payment recorded"), "subsidies.entry", "pk"),
    ("subsidies:grant_publicity", "subsidies", _("Subsidy grant published"), "subsidies.entry", "pk"),
    ("subsidies:ledger_close", "subsidies", _("Subsidy ledger closed"), WORKSTATION, "pk"),
    ("subsidies:audit_draw", "subsidies", _("Ledgers drawn for audit"), "", ""),
    ("subsidies:audit_assign", "subsidies", _("Audit assigned"), "", ""),
    ("subsidies:audit", "subsidies", _("Audit changed"), "subsidies.audit", "pk"),
    ("subsidies:assignment", "subsidies", _("Audit finding recorded"), "subsidies.auditassignment", "pk"),
]
# A page action whose URL name is not listed reads as this, in the group of its URL namespace.
NAMESPACE_GROUPS = {
    "applications": "applications",
    "review": "review",
    "publicity": "publicity",
    "workstations": "workstations",
    "subsidies": "subsidies",
    "workdays": "other",
    "admin": "admin",
}


def _page_kinds() -> dict[str, Kind]:
    return {f"http:{name}": Kind(f"http:{name}", group, label, model, arg) for name, group, label, model, arg in PAGES}


_KINDS: dict[str, Kind] | None = None


def kinds() -> dict[str, Kind]:
    global _KINDS
    if _KINDS is None:
        _KINDS = _kinds()
    return _KINDS


def kind_of(event: AuditEvent) -> Kind:
    """The kind of ``event``; an action the table does not know reads as "other action" in its area."""
    if event.action.startswith("http."):
        view = (event.after or {}).get("view", "") if isinstance(event.after, dict) else ""
        known = kinds().get(f"http:{view}")
        if known:
            return known
        group = NAMESPACE_GROUPS.get(view.partition(":")[0], "other") if ":" in view else "other"
        return Kind(f"http:{view}", group, _("Other page action"))
    known = kinds().get(event.action)
    if known:
        return known
    group = event.action.partition(".")[0]
    return Kind(event.action, group if group in GROUPS else "other", _("Other event"))


def kind_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The select of the kind filter: per area, "all of the area" then each kind, in words."""
    by_group: dict[str, list[Kind]] = defaultdict(list)
    seen_labels: dict[tuple[str, str], str] = {}
    for kind in kinds().values():
        # Two codes with the same words (a service event and the page action around it) are one choice.
        if (kind.group, str(kind.label)) in seen_labels:
            continue
        seen_labels[(kind.group, str(kind.label))] = kind.key
        by_group[kind.group].append(kind)
    choices = []
    for group in GROUPS.values():
        options = [(f"group:{group.key}", format_lazy(_("All: {}"), group.label))]
        options += [(k.key, k.label) for k in sorted(by_group[group.key], key=lambda k: str(k.label))]
        choices.append((group.label, options))
    return choices


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


def _paths_to_workstation(model) -> list[str]:
    """The lookups from ``model`` to its workstation: direct, or through one related object (depth ≤ 2)."""
    if model._meta.label_lower == WORKSTATION:
        return ["pk"]
    paths = []
    for f in model._meta.fields:
        if not (f.many_to_one or f.one_to_one) or f.related_model is None:
            continue
        if f.related_model._meta.label_lower == WORKSTATION:
            paths.append(f"{f.name}")
    if paths:
        return paths[:1]
    for f in model._meta.fields:
        if not (f.many_to_one or f.one_to_one) or f.related_model is None or f.related_model is model:
            continue
        for g in f.related_model._meta.fields:
            linked = (g.many_to_one or g.one_to_one) and g.related_model is not None
            if linked and g.related_model._meta.label_lower == WORKSTATION:
                return [f"{f.name}__{g.name}"]
    return []


def _model(label: str):
    if not label or "." not in label:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def workstation_q(workstation_id: int) -> Q:
    """Every event about one workstation: the workstation itself, any object that belongs to it (directly or
    through one related object), and the page actions on those objects. One query per kind of object."""
    q = Q(object_type=WORKSTATION, object_id=str(workstation_id))
    for arg in {kind.arg for kind in kinds().values() if kind.model == WORKSTATION}:
        value = str(workstation_id) if arg == "object_id" else workstation_id
        views = _views_of(WORKSTATION, arg)
        q |= Q(action__startswith="http.", after__view__in=views, **{f"after__args__{arg}": value})
    labels = {kind.model for kind in kinds().values() if kind.model} | _OBJECT_MODELS
    for label in sorted(labels - {WORKSTATION}):
        model = _model(label)
        paths = _paths_to_workstation(model) if model is not None else []
        if not paths:
            continue
        ids = list(model._default_manager.filter(**{paths[0]: workstation_id}).values_list("pk", flat=True))
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


# Models of other packages whose verbose names their own catalogues do not translate.
MODEL_NAMES = {
    "otp_totp.totpdevice": _("two-factor authenticator"),
    "otp_static.staticdevice": _("two-factor recovery codes"),
    "axes.accessattempt": _("sign-in attempt record"),
    "axes.accesslog": _("sign-in log"),
    "axes.accessfailurelog": _("failed sign-in record"),
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
        combined = Q()
        for workstation_id in workstations:
            combined |= workstation_q(workstation_id)
        events = events.filter(combined)
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


# --- one page of events in words ----------------------------------------------------------------------------------


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Row:
    event: AuditEvent
    kind: Kind
    person: str
    organisation: str
    login: str
    object_label: str
    changes: list[Change]
    outcome: str
    failed: bool

    @property
    def group_label(self) -> str:
        return GROUPS[self.kind.group].label if self.kind.group in GROUPS else ""

    @property
    def who(self) -> str:
        return f"{self.person}（{self.organisation}）" if self.organisation else self.person


# Words for the keys services put into ``before``/``after`` that are not fields of the object's model.
KEY_LABELS = {
    "reason": _("reason"),
    "note": _("note"),
    "ground": _("exit ground"),
    "kind": _("kind"),
    "files": _("files added"),
    "checked": _("original checked"),
    "on": _("date"),
    "outstanding": _("outstanding balance"),
    "left": _("recovery codes left"),
    "user": _("user"),
    "devices_removed": _("authenticators removed"),
    "username": _("login name tried"),
    "unknown_username": _("login name tried"),
    "length": _("characters typed"),
    "application": _("application"),
    "version": _("version"),
    "call": _("call"),
    "lead": _("lead mentor"),
    "first_day": _("publicity from"),
    "last_day": _("publicity to"),
    "channel": _("payment channel"),
    "document": _("document number"),
    "paid_on": _("paid on"),
    "term": _("term"),
    "ends_on": _("ends on"),
    "to": _("handed over to"),
    "year": _("year"),
    "score": _("score"),
    "opinion": _("opinion"),
    "statement_reply": _("reply to the statement"),
    "excellent_cap_percent": _("share of 'excellent' (%)"),
    "award_bands": _("award bands"),
    "rows": _("rows"),
    "filters": _("filters"),
}
# Never shown, whatever a future service puts there (ID numbers and secrets stay masked, SPEC §5).
SECRET_KEYS = ("password", "secret", "token", "id_number", "otp", "key")


def _value(value, field_obj) -> str:
    if value is None or value == "":
        return "—"
    if field_obj is not None and getattr(field_obj, "choices", None):
        for choice, label in field_obj.flatchoices:
            if str(choice) == str(value):
                return str(label)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _field(model, key):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def _changes(event: AuditEvent, model) -> list[Change]:
    if event.action.startswith("http."):
        return []
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    changes = []
    for key in dict.fromkeys([*before, *after]):
        field_obj = _field(model, key)
        if field_obj is not None and getattr(field_obj, "verbose_name", None):
            label = str(field_obj.verbose_name)
        else:
            label = str(KEY_LABELS.get(key, key))
        if any(secret in key.lower() for secret in SECRET_KEYS) and key != "unknown_username":
            old = new = gettext("(hidden)")
        elif key == "unknown_username":
            # The keyed tag stays: the same text typed again gives the same tag, so guesses can be correlated.
            old, new = "", gettext("an unknown name (hidden), tag %(tag)s") % {"tag": after.get(key, "")}
        else:
            old = _value(before[key], field_obj) if key in before else ""
            new = _value(after[key], field_obj) if key in after else ""
        changes.append(Change(label, old, new))
    return changes


def _outcome(event: AuditEvent) -> tuple[str, bool]:
    outcome = event.outcome or ""
    if outcome == "ok":
        return gettext("Done"), False
    if outcome == "failed":
        return gettext("Failed"), True
    if outcome.isdigit():
        code = int(outcome)
        if code < 400:
            return gettext("Done"), False
        if code in (401, 403):
            return gettext("Refused (%(code)s)") % {"code": code}, True
        if code == 404:
            return gettext("Not found (%(code)s)") % {"code": code}, True
        if code < 500:
            return gettext("Not accepted (%(code)s)") % {"code": code}, True
        return gettext("Error (%(code)s)") % {"code": code}, True
    return outcome, False


def _object_ref(event: AuditEvent, kind: Kind) -> tuple[str, str]:
    """(model label, object id) of the event's object, from the record or from the page action's URL."""
    if event.object_type:
        return event.object_type, event.object_id
    if kind.model and isinstance(event.after, dict):
        value = (event.after.get("args") or {}).get(kind.arg)
        if value not in (None, ""):
            return kind.model, str(value)
    return "", ""


def _name_of(obj, paths: list[str]) -> str:
    parts = []
    if obj._meta.label_lower == WORKSTATION:
        return str(obj)
    if paths:
        target = obj
        for step in paths[0].split("__"):
            target = getattr(target, step, None)
            if target is None:
                break
        if target is not None:
            parts.append(str(target))
    if obj._meta.label_lower == "portal.user":
        return obj.full_name or obj.username
    for attr in ("title", "name", "number"):
        value = getattr(obj, attr, "") if attr in {f.name for f in obj._meta.fields} else ""
        if value:
            parts.append(str(value))
            break
    return " · ".join(parts)


def _resolve(refs: dict[str, set[str]]) -> dict[tuple[str, str], str]:
    """The human names of the objects: one query per kind of object, with its way to the workstation joined."""
    names = {}
    for label, ids in refs.items():
        model = _model(label)
        if model is None:
            continue
        pks = []
        for value in ids:
            with contextlib.suppress(ValidationError):  # an id that is no valid key of the model names nothing
                pks.append(model._meta.pk.to_python(value))
        paths = _paths_to_workstation(model)
        queryset = model._default_manager.all()
        related = [p for p in paths if p != "pk"]
        if related:
            queryset = queryset.select_related(*related)
        for pk, obj in queryset.in_bulk(pks).items():
            name = _name_of(obj, paths)
            names[(label, str(pk))] = name
    return names


def describe(events) -> list[Row]:
    """A page of events as rows in the reader's language. Queries: the events (with their actors and organisations
    joined), then one per kind of object named on the page."""
    events = list(events)
    kinds_of = [kind_of(e) for e in events]
    refs: dict[str, set[str]] = defaultdict(set)
    for event, kind in zip(events, kinds_of, strict=True):
        label, object_id = _object_ref(event, kind)
        if label and object_id:
            refs[label].add(object_id)
    names = _resolve(refs)
    rows = []
    for event, kind in zip(events, kinds_of, strict=True):
        label, object_id = _object_ref(event, kind)
        model = _model(label)
        object_label = ""
        if model is not None and object_id:
            name = names.get((label, object_id))
            verbose = str(MODEL_NAMES.get(label, model._meta.verbose_name))
            if name is None:
                object_label = gettext("%(model)s #%(id)s (no longer exists)") % {"model": verbose, "id": object_id}
            else:
                object_label = f"{verbose}：{name}" if name else f"{verbose} #{object_id}"
        actor = event.actor
        if actor is not None:
            person = actor.full_name or actor.username
            org = actor.organisation.display_short if actor.organisation_id else ""
            login = actor.username
        elif event.action == "auth.login_failed":
            person, org, login = gettext("Not signed in"), "", ""
        else:
            person, org, login = (event.actor_name or gettext("The system")), "", ""
        outcome, failed = _outcome(event)
        rows.append(
            Row(
                event=event,
                kind=kind,
                person=person,
                organisation=org,
                login=login,
                object_label=object_label,
                changes=_changes(event, model),
                outcome=outcome,
                failed=failed,
            )
        )
    return rows


def page_events(queryset):
    return queryset.select_related("actor__organisation")


def filters_in_words(form: AuditFilterForm, filtered: Filtered) -> str:
    """The filters of an export, as the reader chose them ("Kind of event: Voting opened; From: 2026-11-01")."""
    parts = []
    for name, value in filtered.params.items():
        bound = form.fields[name]
        if name == "sessions":
            parts.append(str(bound.label))
            continue
        shown = str(value)
        choices = getattr(bound, "choices", None)
        if choices:
            flat = []
            for key, label in choices:
                flat += label if isinstance(label, list | tuple) else [(key, label)]
            shown = next((str(label) for key, label in flat if str(key) == str(value)), shown)
        parts.append(f"{bound.label}：{shown}")
    if not filtered.show_sessions:
        parts.append(gettext("sign-ins and sign-outs left out"))
    return "；".join(parts) if parts else gettext("All events")


def record_export(actor, filtered: Filtered, rows: int, ip: str | None) -> None:
    """The export is itself an event of the trail: who took which events out, and how many."""
    from portal.audit import audit_record

    audit_record(actor=actor, action="audit.export", after={"rows": rows, "filters": filtered.params}, ip=ip)
