"""The team as it stands after the mentor changes reported under Art. 11(5), and the Art. 5(3)1 / 11(4)1 checks.

The team is replayed from a baseline — the certified application's lead mentor and mentors, read duck-typed through
``workstation.application`` (``lead_mentor``, ``mentors``) so that this app imports no stage app — and the dated
``MentorChange`` rows. A workstation with no application on file (created before the applications stage, or in a
test) falls back to the lead mentor named on the workstation, and its mentor count is then not judged. See
docs/outcomes.md.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from portal.formatting import format_date
from portal.measures.params import DEFAULTS
from workstations.models.outcomes import MentorChangeKind, MentorRole
from workstations.rules.terms import anniversary

# The baseline is the application's whole team, so mentor counts are judged (Art. 5(3)1) wherever it is on file.
BASELINE_COMPLETE = True
# The numbers come from the measures in force on the day judged (portal.measures): Art. 5(3)1's further mentors
# (``min_further_mentors``) and Art. 11(4)1's years without a qualified lead mentor (``no_lead_exit_years``).
# ``replay`` takes them as a mapping so that it stays pure; DEFAULTS are the 2024 measures' numbers.


def natural_exit_day(since: date, years: int) -> date:
    """The day a team without a qualified lead mentor since ``since`` has been so for ``years`` years (Art. 11(4)1
    "一年及以上无符合条件的创业导师"): the same calendar day, 1 March for 29 February."""
    return anniversary(since, years)


@dataclass(frozen=True)
class Member:
    name: str
    role: str
    qualified: bool
    since: date | None


@dataclass(frozen=True)
class Change:
    name: str
    role: str
    change: str
    on: date
    qualified: bool = False


@dataclass
class Team:
    members: list[Member]
    # The day since which the team has had no qualified lead mentor (None: it has one now).
    no_qualified_lead_since: date | None
    problems: list[str] = field(default_factory=list)
    # False while the baseline is only the lead mentor named on the workstation: mentor counts are then partial.
    baseline_complete: bool = True

    @property
    def leads(self) -> list[Member]:
        return [m for m in self.members if m.role == MentorRole.LEAD]

    @property
    def mentors(self) -> list[Member]:
        return [m for m in self.members if m.role == MentorRole.MENTOR]

    @property
    def has_qualified_lead(self) -> bool:
        return any(m.qualified for m in self.leads)

    def days_without_qualified_lead(self, today: date) -> int:
        return 0 if self.no_qualified_lead_since is None else (today - self.no_qualified_lead_since).days

    def natural_exit_on(self, years: int) -> date | None:
        """The day the lack of a qualified lead mentor becomes a ground for natural exit (None: the team has one)."""
        since = self.no_qualified_lead_since
        return None if since is None else natural_exit_day(since, years)


def _application(workstation):
    """The workstation's application, or None (the reverse one-to-one raises an AttributeError when there is none)."""
    return getattr(workstation, "application", None)


def baseline_for(workstation) -> list[Member]:
    """The team at certification: the certified application's lead mentor and further mentors (Art. 5(3)1).

    The lead is taken as qualified (Art. 5(2)) from the day of certification: the expert panel judged it when it
    passed the workstation. Without an application on file, the lead mentor named on the workstation stands alone.
    """
    since = workstation.certified_on
    application = _application(workstation)
    if application is None:
        if not workstation.lead_mentor_name:
            return []
        return [Member(workstation.lead_mentor_name, MentorRole.LEAD, True, since)]
    lead = application.lead_mentor
    members = [Member(lead.name, MentorRole.LEAD, True, since)] if lead is not None else []
    members += [
        Member(m.name, MentorRole.MENTOR, False, since)
        for m in sorted(application.mentors.all(), key=lambda m: (m.name, m.pk))
        if m.pk != application.lead_mentor_id
    ]
    return members


def baseline_complete_for(workstation) -> bool:
    """Whether the baseline is a whole team (an application on file), so that too few mentors is a problem."""
    return BASELINE_COMPLETE and _application(workstation) is not None


def replay(
    baseline: Iterable[Member],
    changes: Iterable[Change],
    *,
    as_of: date,
    baseline_complete: bool = True,
    numbers: Mapping[str, int] = DEFAULTS,
) -> Team:
    """Apply the changes effective on or before ``as_of`` in date order; pure, so it is tested without a database.

    A lead mentor who leaves ends the qualified-lead period on the day they leave; a qualified lead who joins
    restores it. The result says since when the team has had no qualified lead mentor (Art. 11(4)1).
    """
    members: dict[str, Member] = {m.name: m for m in baseline}
    lacking_since: date | None = None
    if not any(m.role == MentorRole.LEAD and m.qualified for m in members.values()):
        lacking_since = min((m.since for m in members.values() if m.since), default=None)
    for ch in sorted(changes, key=lambda c: (c.on, c.change != MentorChangeKind.LEFT)):
        if ch.on > as_of:
            break
        if ch.change == MentorChangeKind.LEFT:
            members.pop(ch.name, None)
        else:
            members[ch.name] = Member(ch.name, ch.role, ch.qualified and ch.role == MentorRole.LEAD, ch.on)
        has_lead = any(m.role == MentorRole.LEAD and m.qualified for m in members.values())
        if has_lead:
            lacking_since = None
        elif lacking_since is None:
            lacking_since = ch.on
    team = Team(
        members=sorted(members.values(), key=lambda m: (m.role != MentorRole.LEAD, m.name)),
        no_qualified_lead_since=lacking_since,
        baseline_complete=baseline_complete,
    )
    team.problems = eligibility_problems(team, as_of, numbers)
    return team


def eligibility_problems(team: Team, as_of: date, numbers: Mapping[str, int] = DEFAULTS) -> list[str]:
    """What the team lacks on ``as_of`` against ``numbers`` (the measures in force that day)."""
    problems = []
    if not team.leads:
        problems.append(_("The workstation has no lead mentor (Art. 5(3)1)."))
    elif not team.has_qualified_lead:
        problems.append(_("No lead mentor meets the conditions of Art. 5(2)."))
    since = team.no_qualified_lead_since
    if since is not None:
        limit = (natural_exit_day(since, numbers["no_lead_exit_years"]) - since).days
        problems.append(
            _("No qualified lead mentor since %(date)s (%(days)d days; natural exit after %(limit)d, Art. 11(4)1).")
            % {"date": format_date(since), "days": team.days_without_qualified_lead(as_of), "limit": limit}
        )
    min_mentors = numbers["min_further_mentors"]
    if team.baseline_complete and len(team.mentors) < min_mentors:
        problems.append(
            _("%(n)d mentors besides the lead recorded; Art. 5(3)1 asks for at least %(min)d.")
            % {"n": len(team.mentors), "min": min_mentors}
        )
    return problems


def changes_of(workstation) -> list[Change]:
    return [
        Change(c.person_name, c.role, c.change, c.effective_on, c.qualified)
        for c in workstation.mentor_changes.order_by("effective_on", "id")
    ]


def numbers_on(day: date) -> Mapping[str, int]:
    """The measures' numbers in force on ``day`` (a team is judged against the city's numbers: Art. 12 lets a county
    tighten only its own grants and evaluations)."""
    from portal.measures.selectors import measures_in_force

    return measures_in_force(day).values


def current_team(workstation, *, as_of: date) -> Team:
    return replay(
        baseline_for(workstation),
        changes_of(workstation),
        as_of=as_of,
        baseline_complete=baseline_complete_for(workstation),
        numbers=numbers_on(as_of),
    )


def workstations_without_qualified_lead(workstations, *, as_of: date, ahead_days: int = 0) -> list:
    """(workstation, since) for those whose lack of a qualified lead mentor is a ground for natural exit on
    ``as_of`` (Art. 11(4)1, the years of the measures in force that day), or becomes one within ``ahead_days`` —
    the exit work's detection and its warning. A fixed number of queries: the measures, the workstations, their
    applications' teams (prefetched by string lookups) and all their mentor changes."""
    from workstations.models.outcomes import MentorChange

    numbers = numbers_on(as_of)
    horizon = as_of + timedelta(days=ahead_days)

    workstations = list(workstations)
    prefetch_related_objects(workstations, "application__lead_mentor", "application__mentors")
    by_ws: dict[int, list[Change]] = {}
    for c in MentorChange.objects.filter(workstation__in=[w.pk for w in workstations]).order_by("effective_on", "id"):
        by_ws.setdefault(c.workstation_id, []).append(
            Change(c.person_name, c.role, c.change, c.effective_on, c.qualified)
        )
    out = []
    for ws in workstations:
        team = replay(
            baseline_for(ws),
            by_ws.get(ws.pk, []),
            as_of=as_of,
            baseline_complete=baseline_complete_for(ws),
            numbers=numbers,
        )
        exit_on = team.natural_exit_on(numbers["no_lead_exit_years"])
        if exit_on is not None and exit_on <= horizon:
            out.append((ws, team.no_qualified_lead_since))
    return out
