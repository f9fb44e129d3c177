"""What ``workstations`` reads from the stage apps by name, written down and held (issue 20 item 2).

``workstations`` imports no stage app (import-linter holds that, ``pyproject.toml``). It still reads their data: through
the reverse relations their models add to ``Workstation`` and ``EvaluationResult`` (``workstation.application``,
``workstation.review_candidacies`` …), calling methods and following ORM lookups by string
(``rules/conditions.py``, ``rules/team.py``, ``selectors/lifecycle.py``, ``views/lifecycle.py``, templates). What the
stage apps show on workstation pages they register as page sections (``workstations.sections``,
``WORKSTATIONS_PAGE_SECTIONS``), so no workstations template loads a stage app's tags. Each contract is a
:class:`typing.Protocol` below, listed in :data:`RELATIONS`; the system check :func:`check_stage_contracts`
(registered on import, the app's ``ready()`` imports this module) fails ``manage.py check`` — and so every test run
and deploy — when a stage app renames or drops one, or registers a page section at an unknown place or a path that
does not import, instead of a user's click finding out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist


class ApplicationContract(Protocol):
    """``workstation.application`` (applications.Application): the checks before submit/recommend/qualify, the team
    baseline (``team.py``) and the related-records box (``selectors.related_records``)."""

    call: Any
    lead_mentor: Any
    lead_mentor_id: int | None
    mentors: Any

    def submission_problems(self) -> Iterable[str]: ...
    def call_problems(self) -> Iterable[str]: ...
    def recommendation_problems(self) -> Iterable[str]: ...
    def qualification_problems(self) -> Iterable[str]: ...


class CandidacyContract(Protocol):
    """``workstation.review_candidacies`` (review.RoundCandidate): start/pass/fail review, and the re-queue link."""

    round: Any
    round_id: int
    outcome: str
    requeued_at: Any

    @property
    def in_open_round(self) -> bool: ...
    @property
    def review_decision(self) -> str: ...


class PublicityEntryContract(Protocol):
    """``workstation.publicity_entries`` (review.publicity.PublicityEntry): clearing publicity (Art. 6(4))."""

    publicity_list: Any

    def clearance_problems(self) -> Iterable[str]: ...


class LedgerContract(Protocol):
    """``workstation.ledger`` (subsidies.Ledger): whether the ledger link shows, and the exit page's ledger."""

    workstation: Any


@dataclass(frozen=True)
class Relation:
    """A reverse relation ``model.accessor`` that ``workstations`` reads, the protocol its target keeps, the ORM
    lookups it follows from ``model`` by string, and the queryset methods it calls on the target's manager."""

    model: str
    accessor: str
    protocol: type
    lookups: tuple[str, ...] = ()
    queryset_methods: tuple[str, ...] = ()
    read_in: str = ""


RELATIONS: tuple[Relation, ...] = (
    Relation(
        "workstations.Workstation",
        "application",
        ApplicationContract,
        lookups=("application__lead_mentor", "application__mentors", "application__call__document_number"),
        queryset_methods=("visible_to",),
        read_in="rules/conditions.py, rules/team.py, demo/outcomes.py, detail.html, _related.html",
    ),
    Relation(
        "workstations.Workstation",
        "review_candidacies",
        CandidacyContract,
        lookups=("review_candidacies__round__status", "review_candidacies__requeued_at", "review_candidacies__outcome"),
        read_in="rules/conditions.py, views/lifecycle.py",
    ),
    Relation(
        "workstations.Workstation",
        "publicity_entries",
        PublicityEntryContract,
        lookups=("publicity_entries__publicity_list__published_at",),
        read_in="rules/conditions.py",
    ),
    Relation(
        "workstations.Workstation",
        "ledger",
        LedgerContract,
        queryset_methods=("visible_to",),
        read_in="selectors/lifecycle.py, templates/workstations/_related.html",
    ),
)


@dataclass
class _Members:
    methods: list[str] = field(default_factory=list)
    attributes: list[str] = field(default_factory=list)


def protocol_members(protocol: type) -> _Members:
    """The names a protocol declares: methods and properties it defines, and attributes it annotates."""
    members = _Members()
    for name, value in vars(protocol).items():
        if name.startswith("_"):
            continue
        if callable(value):
            members.methods.append(name)
        elif isinstance(value, property):
            members.attributes.append(name)
    members.attributes += [n for n in getattr(protocol, "__annotations__", {}) if not n.startswith("_")]
    return members


def _follow(model, lookup: str) -> str | None:
    """Why ``lookup`` (``a__b__c``) cannot be followed from ``model`` (None: it can)."""
    current = model
    for part in lookup.split("__"):
        if current is None:
            return f"{lookup!r}: {part!r} follows a field that is not a relation"
        try:
            found = current._meta.get_field(part)
        except FieldDoesNotExist:
            return f"{lookup!r}: {current._meta.label} has no field {part!r}"
        current = found.related_model if found.is_relation else None
    return None


def relation_problems(relation: Relation) -> list[str]:
    """Everything the stage apps no longer provide for ``relation`` (empty when the contract holds)."""
    where = f"{relation.model}.{relation.accessor}"
    try:
        model = apps.get_model(relation.model)
        target_field = model._meta.get_field(relation.accessor)
    except (LookupError, FieldDoesNotExist):
        return [f"{where} no longer exists (read by name in workstations/{relation.read_in})"]
    target = target_field.related_model
    if target is None or not target_field.auto_created:
        return [f"{where} is no longer a reverse relation from a stage app"]
    problems = []
    members = protocol_members(relation.protocol)
    for name in members.methods:
        if not callable(getattr(target, name, None)):
            problems.append(f"{target._meta.label}.{name}() is gone ({relation.protocol.__name__}, via {where})")
    for name in members.attributes:
        if not hasattr(target, name):
            problems.append(f"{target._meta.label}.{name} is gone ({relation.protocol.__name__}, via {where})")
    for name in relation.queryset_methods:
        if not callable(getattr(target._default_manager, name, None)):
            problems.append(f"{target._meta.label}.objects.{name}() is gone (via {where})")
    problems += [f"lookup {p} (via {where})" for lookup in relation.lookups if (p := _follow(model, lookup))]
    return problems


def page_section_problems() -> list[str]:
    """Each registered page section names a known place and a path that imports (``workstations.sections``)."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    from workstations.sections import PLACES

    problems = []
    for place, paths in getattr(settings, "WORKSTATIONS_PAGE_SECTIONS", {}).items():
        if place not in PLACES:
            problems.append(f"page section place {place!r} is unknown (the places are {sorted(PLACES)})")
        for path in paths:
            try:
                import_string(path)
            except ImportError:
                problems.append(f"page section {path!r} at {place!r} does not import")
    return problems


@checks.register(checks.Tags.models)
def check_stage_contracts(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """workstations.E001: a reverse relation, method or lookup that workstations reads by name is gone, or a page
    section is registered at an unknown place or by a path that does not import."""
    problems = [p for relation in RELATIONS for p in relation_problems(relation)] + page_section_problems()
    return [
        checks.Error(
            f"A stage-app contract of workstations is broken: {problem}.",
            hint="Rename it back, or change the reader in workstations and its Protocol in workstations/contracts.py.",
            obj="workstations.contracts",
            id="workstations.E001",
        )
        for problem in problems
    ]
