"""The catalogue of inbox and e-mail messages (issue 19 item 6).

A notification stores a message key and its parameters, never finished text, so that each reader reads it in their
own language: the inbox and the home page render it in the page's language, the e-mail in the recipient's preferred
language (``User.language``). Parameters are stored as data:

- names, titles and numbers as they are (a workstation's name is the same in every language);
- dates as ``{"date": "2026-05-11"}`` and money as ``{"yuan": "1234.50"}`` (``encode_params`` does this), shown with
  ``portal.formatting`` in the reader's language; a list of names joined with 、 or ", ";
- codes of a choice (a kind, a grade, a ground) as the code, shown through the label source the message names in
  ``choices`` (``"app_label.Model.field"`` for a model field's choices, or a dotted path to a mapping of labels).

Words a person typed (a reason, remarks) are kept apart as the notification's ``text`` and shown as typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Message:
    subject: Promise
    body: Promise | None = None
    choices: dict[str, str] = field(default_factory=dict)


_HOLD = _("If you did not do this, tell the system administrator at once: someone knows your password.")

MESSAGES: dict[str, Message] = {
    # --- applications (Art. 6) ---
    "application.new": Message(
        _("New application to recommend: %(name)s"), _("%(unit)s submitted an application in “%(call)s”.")
    ),
    "application.resubmitted": Message(
        _("Application resubmitted (version %(v)d): %(name)s"),
        _("%(unit)s submitted an application in “%(call)s”."),
    ),
    "application.submitted": Message(_("Application submitted: %(name)s"), _("It has gone to %(rec)s.")),
    "application.returned": Message(_("Application returned for revision: %(name)s")),
    "application.declined": Message(_("Application not recommended: %(name)s")),
    "application.qualified": Message(_("Qualification check passed: %(name)s")),
    "application.ineligible": Message(_("Ruled ineligible in the qualification check: %(name)s")),
    "application.recommended": Message(
        _("Application recommended to the city: %(name)s"), _("Recommended by %(rec)s as number %(rank)d.")
    ),
    # --- review rounds ---
    "review.key_share": Message(
        _("Take your key share: %(title)s"),
        _("You hold a share of the key that opens the round's ballots. Take it once, and keep it until the close."),
    ),
    "review.open": Message(
        _("Review round open: %(title)s"), _("Please cast your ballots on the candidates of the round.")
    ),
    "review.closed": Message(
        _("Review round closed: %(title)s"), _("The tally can be verified on the round's oversight page.")
    ),
    "review.closed_early": Message(
        _("Review round closed early: %(title)s"), _("The tally can be verified on the round's oversight page.")
    ),
    # --- publicity and recognition ---
    "publicity.listed": Message(
        _("%(name)s is on the publicity list"), _("Publicity runs from %(first)s to %(last)s.")
    ),
    "publicity.withdrawn": Message(_("The publicity list with %(name)s was withdrawn")),
    "publicity.objection": Message(_("New objection against %(name)s")),
    "publicity.waiting": Message(
        _("Publicity has ended; %(count)d candidate(s) wait for objections to be decided"), _("Waiting: %(names)s.")
    ),
    "publicity.recognised": Message(_("%(name)s is recognised (%(number)s)")),
    # --- subsidies ---
    "subsidies.audit_assigned": Message(_("Ledgers assigned to you for audit: %(title)s")),
    "subsidies.misuse": Message(_("Misuse of subsidy funds found at %(ws)s")),
    "subsidies.recorded": Message(
        _("%(kind)s of %(amount)s recorded for %(ws)s"), choices={"kind": "subsidies.Entry.kind"}
    ),
    "subsidies.other_review": Message(_("An “other” expenditure of %(amount)s by %(ws)s awaits review")),
    "subsidies.paid": Message(
        _("%(kind)s of %(amount)s paid (%(document)s)"), choices={"kind": "subsidies.Entry.kind"}
    ),
    "subsidies.ledger_closed": Message(_("The subsidy ledger of %(ws)s is closed")),
    # --- terms (Art. 11(1)) ---
    "term.renewed": Message(_("%(ws)s is renewed until %(end)s; a new three-year work plan is due by %(due)s")),
    "term.ending": Message(_("%(ws)s: the term ends on %(end)s (%(n)d days) with no end-of-term decision")),
    "term.ends_today": Message(_("%(ws)s: the term ends today (%(end)s) with no end-of-term decision")),
    "term.ended": Message(_("%(ws)s: the term ended on %(end)s with no end-of-term decision")),
    "term.plan_overdue": Message(_("%(ws)s: the three-year work plan for the new term was due on %(date)s")),
    # --- outcomes (Art. 10, 11(5)) ---
    "county.opinion": Message(_("%(county)s recorded its %(year)d opinion of %(ws)s")),
    "report.rejected": Message(_("Activity report rejected: %(title)s")),
    "major_event.filed": Message(_("Major-event report from %(ws)s: %(title)s")),
    "major_event.acknowledged": Message(_("Major-event report acknowledged: %(title)s")),
    "outcome.due": Message(
        _("%(ws)s: %(req)s — %(count)d of %(need)d by %(date)s"),
        choices={"req": "workstations.rules.compliance.REQUIREMENT_LABELS"},
    ),
    "outcome.missed": Message(
        _("%(n)d workstations missed %(req)s in %(period)s"),
        choices={"req": "workstations.rules.compliance.REQUIREMENT_LABELS"},
    ),
    "plan.overdue": Message(_("%(ws)s: the three-year work plan was due on %(date)s")),
    # --- evaluations and rectification (Art. 11(2), 11(4)2) ---
    "evaluation.opened": Message(_("Evaluation opened: %(title)s")),
    "evaluation.graded": Message(_("%(title)s: %(grade)s"), choices={"grade": "workstations.EvaluationResult.grade"}),
    "rectification.ordered": Message(_("Rectification ordered for %(ws)s, due by %(date)s")),
    "rectification.reported": Message(_("Rectification report from %(ws)s")),
    "rectification.passed": Message(_("Rectification passed: %(ws)s")),
    "rectification.failed": Message(_("Rectification failed: %(ws)s — forced exit proposed")),
    "rectification.missed": Message(_("Rectification deadline missed: %(ws)s — forced exit proposed")),
    "rectification.due": Message(_("Rectification due by %(date)s: %(ws)s")),
    "rectification.undecided": Message(_("Rectification report awaits re-evaluation: %(ws)s")),
    # --- exits (Art. 11(4)) ---
    "exit.requested": Message(_("%(name)s applies for deregistration")),
    "exit.second_confirmation": Message(
        _("The exit of %(name)s waits for a second confirmation"),
        _("Proposed by %(who)s. Ground: %(ground)s."),
        choices={"ground": "workstations.ExitCase.ground"},
    ),
    "exit.proposed": Message(
        _("An exit of %(name)s has been proposed"),
        _("Ground: %(ground)s. You may file a statement before the decision."),
        choices={"ground": "workstations.ExitCase.ground"},
    ),
    "exit.statement": Message(_("Statement filed on the exit of %(name)s")),
    "exit.confirmed": Message(
        _("%(name)s: %(decision)s (%(number)s)"), choices={"decision": "workstations.ExitCase.kind"}
    ),
    "exit.rejected": Message(_("The proposed exit of %(name)s was not confirmed")),
    "no_lead.flag": Message(
        _("%(name)s has had no qualified lead mentor for %(days)d days"),
        _(
            "Since %(since)s (from the mentor-change reports) the workstation has no qualified lead mentor; since "
            "%(exit_on)s that is a ground for natural exit (Art. 11(4)1). Consider proposing a deregistration."
        ),
    ),
    "no_lead.warn": Message(
        _("%(name)s: no qualified lead mentor for %(days)d days"),
        _("Since %(since)s. From %(exit_on)s it is a ground for natural exit (Art. 11(4)1)."),
    ),
    # --- deadlines a user must meet (portal.deadlines) ---
    "deadline.call_draft": Message(
        _("%(name)s: the application is not submitted; the call “%(call)s” closes on %(date)s"),
        _("A draft is not considered: submit it to your recommender by then."),
    ),
    "deadline.recommendation": Message(
        _("%(count)d application(s) wait for your recommendation; “%(call)s” closes recommending on %(date)s"),
        _("Recommend, return or decline each of them by then."),
    ),
    "deadline.ballot": Message(
        _("Review round “%(title)s” closes on %(date)s; some of your ballots are not cast"),
        _("Cast a ballot on every candidate you have not declared a conflict with before the round closes."),
    ),
    "deadline.exit_statement": Message(
        _("%(name)s: your statement on the proposed exit is due by %(date)s"),
        _("After that day the exit may be decided without your statement."),
    ),
    "deadline.publicity_objections": Message(
        _("%(title)s: publicity ends on %(date)s with %(count)d objection(s) not decided"),
        _("A candidate with an undecided objection cannot leave publicity as cleared."),
    ),
    "deadline.plan": Message(
        _("%(ws)s: the three-year work plan is due by %(date)s"),
        _("File it on the workstation's outcomes page."),
    ),
    "deadline.grant_payment": Message(
        _("%(kind)s of %(amount)s for %(ws)s: publicity ended on %(date)s; the payment is not recorded"),
        _("Record the payment on the ledger once it is made."),
        choices={"kind": "subsidies.Entry.kind"},
    ),
    "deadline.self_evaluation": Message(
        _("%(title)s: file the self-evaluation and achievements of %(ws)s before it is scored"),
        _("Once staff have scored the workstation, a self-evaluation can no longer be filed."),
    ),
    "deadline.county_opinion": Message(
        _("%(title)s: your county's %(year)d opinion of %(count)d workstation(s) is not recorded"),
        _("Record it before the city scores the evaluation."),
    ),
    # --- accounts and the audit trail ---
    "otp.replaced": Message(
        _("Your authenticator app was replaced"),
        _(
            "A new authenticator app now gives the codes for your account. If you did not do this, "
            "tell the system administrator at once: someone knows your password."
        ),
    ),
    "otp.enabled": Message(
        _("Two-factor login was turned on for your account"),
        _(
            "From now on you log in with your password and a code from your authenticator app. "
            "If you did not do this, tell the system administrator at once."
        ),
    ),
    "otp.recovery_codes": Message(
        _("New recovery codes were made for your account"),
        _("The earlier recovery codes no longer work. If you did not do this, tell the system administrator."),
    ),
    "otp.removed": Message(_("Two-factor login was turned off for your account"), _HOLD),
    "otp.reset": Message(
        _("An administrator reset your two-factor login"),
        _(
            "%(admin)s removed your authenticator app and recovery codes. Reason: %(reason)s. "
            "Set up a new authenticator app at your next login. If you did not ask for this, tell the bureau."
        ),
    ),
    "otp.recovery_used": Message(
        _("A recovery code was used to log in to your account"),
        _(
            "%(left)d recovery codes are left. If you lost your phone, replace the authenticator app now. "
            "If you did not log in, tell the system administrator at once."
        ),
    ),
    "audit.checkpoint": Message(
        _("Audit checkpoint: keep this message"),
        _(
            "The heads of the tamper-evident chains at this time. Keep this e-mail: verification compares the "
            "chains with these figures, and nobody with access to the database can change an e-mail you "
            "received.\n\n%(figures)s"
        ),
    ),
    "audit.chain_broken": Message(_("Audit alarm: a tamper-evident chain is broken")),
    # benchmarks/faults.py: the e-mail fault drill's messages.
    "drill.fault": Message(_("Fault drill message %(n)d"), _("Please check that it arrived once.")),
}


def encode_params(params: dict[str, Any] | None) -> dict[str, Any]:
    """Parameters as JSON data: dates and money keep their value, so they can be shown in any language."""
    out: dict[str, Any] = {}
    for name, value in (params or {}).items():
        if isinstance(value, dt.datetime):
            value = {"date": value.date().isoformat()}
        elif isinstance(value, dt.date):
            value = {"date": value.isoformat()}
        elif isinstance(value, Decimal):
            value = {"yuan": str(value)}
        elif isinstance(value, Promise):
            raise TypeError(f"parameter {name!r} is translated text; store its code and name its labels in choices")
        elif isinstance(value, str):
            value = str(value)  # a TextChoices member is stored as its code
        elif isinstance(value, list | tuple):
            value = [str(item) for item in value]  # names, joined in the reader's way
        out[name] = value
    return out


def _labels(source: str) -> dict:
    from django.apps import apps
    from django.utils.module_loading import import_string

    parts = source.split(".")
    if len(parts) == 3 and apps.is_installed(parts[0]) and parts[1][:1].isupper():
        return dict(apps.get_model(parts[0], parts[1])._meta.get_field(parts[2]).flatchoices)
    return dict(import_string(source))


def _shown(message: Message, name: str, value: Any) -> Any:
    from portal.formatting import format_date, format_yuan, is_chinese

    if isinstance(value, dict):
        if "date" in value:
            return format_date(dt.date.fromisoformat(value["date"]))
        if "yuan" in value:
            return format_yuan(Decimal(value["yuan"]))
    if isinstance(value, list):
        return ("、" if is_chinese() else ", ").join(value)
    if name in message.choices:
        return str(_labels(message.choices[name]).get(value, value))
    return value


def render(key: str, params: dict[str, Any] | None, text: str = "") -> tuple[str, str] | None:
    """(subject, body) in the active language, or ``None`` when the key or its parameters no longer fit."""
    message = MESSAGES.get(key)
    if message is None:
        return None
    values = {name: _shown(message, name, value) for name, value in (params or {}).items()}
    try:
        subject = str(message.subject) % values
        body = str(message.body) % values if message.body is not None else ""
    except (KeyError, TypeError, ValueError):
        return None
    return subject, "\n\n".join(part for part in (body, text) if part)
