"""What must hold before a transition may run, with the reason shown when it does not.

Each check takes a workstation and returns a list of problems in words the user can act on (empty when fine).
Checks read the stage apps' data through the workstation's reverse relations (``workstation.application`` and so
on), so this module imports none of them. ``Workstation`` wires each list in with ``conditions=[check(name)]``.
"""

from collections.abc import Callable

from django.utils.translation import gettext as _


def _application_problems(workstation) -> list[str]:
    """Art. 5 and 7: the application is complete and every hard eligibility condition is met."""
    application = getattr(workstation, "application", None)
    if application is None:
        return [_("No application has been filled in.")]
    return list(application.submission_problems())


def _call_open(workstation) -> list[str]:
    """Art. 6(1): applications are accepted (and resubmitted) only while the call is open."""
    application = getattr(workstation, "application", None)
    if application is None:
        return []
    return list(application.call_problems())


def _has_application(workstation) -> list[str]:
    if getattr(workstation, "application", None) is None:
        return [_("No application has been filled in.")]
    return []


def _recommendation_allowed(workstation) -> list[str]:
    """Art. 6(2): the recommender's channel is open for this host unit and the call's recommendation deadline holds."""
    application = getattr(workstation, "application", None)
    if application is None:
        return []
    return list(application.recommendation_problems())


def _qualification_problems(workstation) -> list[str]:
    """资格审查: the submitted version must carry every required material and meet the hard Art. 5 conditions."""
    application = getattr(workstation, "application", None)
    if application is None:
        return [_("No application has been filled in.")]
    return list(application.qualification_problems())


def _latest_candidacy(workstation):
    candidacies = getattr(workstation, "review_candidacies", None)
    if candidacies is None or workstation.pk is None:
        return None
    # While one transition is checked (its blockers, then the state machine's conditions, under the row lock) the
    # candidacy is read once: ``workstation_transition`` opens ``_condition_memo`` for that span only.
    memo = getattr(workstation, "_condition_memo", None)
    if memo is not None and "candidacy" in memo:
        return memo["candidacy"]
    # Only the round's status is read; its result record holds every receipt of a closed round (hundreds of KB), and
    # a close runs this for each of its candidates inside the closing transaction (issue 21).
    latest = candidacies.select_related("round").defer("round__result_record", "round__freeze_record")
    found = latest.order_by("-pk").first()
    if memo is not None:
        memo["candidacy"] = found
    return found


def _in_open_round(workstation) -> list[str]:
    """Art. 6(3): review starts only by opening a ballot round that includes the candidate (review.services)."""
    latest = _latest_candidacy(workstation)
    if latest is None or not latest.in_open_round:
        return [_("Review starts when a review round that includes this candidate is opened.")]
    return []


def _review_decided(decision: str) -> Callable:
    """Art. 6(3): only the tally of a closed round passes or fails a candidate."""

    def check_fn(workstation) -> list[str]:
        latest = _latest_candidacy(workstation)
        if latest is None or latest.review_decision != decision:
            return [_("Only the tally of a closed review round decides this candidate.")]
        return []

    check_fn.__name__ = f"review_decided_{decision}"
    return check_fn


def _plaque_handed_over(workstation) -> list[str]:
    """Art. 6(5): the workstation becomes active when its plaque has been handed over."""
    plaque = getattr(workstation, "plaque", None)
    if plaque is None:
        return [_("No plaque has been made for this workstation.")]
    if plaque.handed_over_on is None:
        return [_("Record to whom and when the plaque was handed over.")]
    return []


def _confirmed_exit(kind: str) -> Callable:
    """Art. 11(4): a deregistration or revocation follows a confirmed exit case with its numbered document."""

    def check_fn(workstation) -> list[str]:
        if workstation.exit_cases.filter(kind=kind, status="confirmed", document__isnull=False).exists():
            return []
        return [_("A confirmed exit decision with its document is needed first.")]

    check_fn.__name__ = f"confirmed_{kind}_exit"
    return check_fn


def _publicity_passed(workstation) -> list[str]:
    """Art. 6(4): the five working days are over and no objection against the candidate is undecided."""
    entries = getattr(workstation, "publicity_entries", None)
    entry = None
    if entries is not None:
        entry = entries.select_related("publicity_list").order_by("-publicity_list__published_at", "-id").first()
    if entry is None:
        return [_("This candidate has not been on a published publicity list.")]
    return list(entry.clearance_problems())


def _reapply_ban(workstation) -> list[str]:
    """Art. 11(4)2: after a revocation the host unit may not apply again for a configured number of years."""
    from workstations.selectors.terms import reapply_problems

    return reapply_problems(workstation)


CHECKS: dict[str, list[Callable]] = {
    "submit": [_call_open, _reapply_ban, _application_problems],
    "resubmit": [_call_open, _reapply_ban, _application_problems],
    "recommend": [_has_application, _recommendation_allowed],
    "qualify": [_qualification_problems],
    "start_review": [_in_open_round],
    "pass_review": [_review_decided("pass")],
    "fail_review": [_review_decided("fail")],
    "clear_publicity": [_publicity_passed],
    "issue_plaque": [_plaque_handed_over],
    "deregister": [_confirmed_exit("natural")],
    "revoke": [_confirmed_exit("forced")],
}


def blockers(workstation, transition_name: str) -> list[str]:
    problems: list[str] = []
    for check_fn in CHECKS.get(transition_name, []):
        problems.extend(check_fn(workstation))
    return problems


def check(transition_name: str) -> Callable:
    """A django-fsm condition that passes when ``blockers`` finds nothing for ``transition_name``."""

    def condition(instance) -> bool:
        return not blockers(instance, transition_name)

    condition.__name__ = f"no_blockers_for_{transition_name}"
    return condition
