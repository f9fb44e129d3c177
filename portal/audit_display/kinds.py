"""The kinds of event of the audit trail in the reader's words, and the areas (groups) of the kind filter.

A phrase per kind of event: the events services record, the workstation transitions (in the state machine's own
labels), the page actions by URL name, and the admin's changes of every registered model.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.audit import AuditEvent

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
    """The select of the kind filter: per area, "all of the area" then each kind, in words (sorted in the active
    language; built once per language and process, as the kinds are)."""
    return _kind_choices(get_language())


@functools.cache
def _kind_choices(language: str) -> list[tuple[str, list[tuple[str, str]]]]:
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


# Models of other packages whose verbose names their own catalogues do not translate.
MODEL_NAMES = {
    "otp_totp.totpdevice": _("two-factor authenticator"),
    "otp_static.staticdevice": _("two-factor recovery codes"),
    "axes.accessattempt": _("sign-in attempt record"),
    "axes.accesslog": _("sign-in log"),
    "axes.accessfailurelog": _("failed sign-in record"),
}
