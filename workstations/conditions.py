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


def _has_application(workstation) -> list[str]:
    if getattr(workstation, "application", None) is None:
        return [_("No application has been filled in.")]
    return []


def _plaque_handed_over(workstation) -> list[str]:
    """Art. 6(5): the workstation becomes active when its plaque has been handed over."""
    plaque = getattr(workstation, "plaque", None)
    if plaque is None:
        return [_("No plaque has been made for this workstation.")]
    if plaque.handed_over_on is None:
        return [_("Record to whom and when the plaque was handed over.")]
    return []


def _publicity_passed(workstation) -> list[str]:
    """Art. 6(4): the five working days are over and no objection against the candidate is undecided."""
    entries = getattr(workstation, "publicity_entries", None)
    entry = None
    if entries is not None:
        entry = entries.select_related("publicity_list").order_by("-publicity_list__published_at", "-id").first()
    if entry is None:
        return [_("This candidate has not been on a published publicity list.")]
    return list(entry.clearance_problems())


CHECKS: dict[str, list[Callable]] = {
    "submit": [_application_problems],
    "resubmit": [_application_problems],
    "recommend": [_has_application],
    "start_review": [],
    "pass_review": [],
    "fail_review": [],
    "clear_publicity": [_publicity_passed],
    "issue_plaque": [_plaque_handed_over],
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
