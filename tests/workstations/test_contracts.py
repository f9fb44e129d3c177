"""The contracts workstations reads from the stage apps by name are held by ``manage.py check`` (issue 20 item 2): a
rename in a stage app fails the check (and so CI and every deploy), not a user's click."""

import dataclasses

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from applications.models import Application
from review.models import RoundCandidate
from review.publicity.models import PublicityEntry
from subsidies.models import Ledger
from workstations import contracts


def _errors():
    return [e for e in contracts.check_stage_contracts() if e.id == "workstations.E001"]


def test_the_installed_stage_apps_keep_every_contract():
    assert _errors() == []
    call_command("check")


@pytest.mark.parametrize(
    ("model", "name"),
    [
        (Application, "submission_problems"),
        (Application, "qualification_problems"),
        (RoundCandidate, "review_decision"),
        (RoundCandidate, "in_open_round"),
        (PublicityEntry, "clearance_problems"),
    ],
)
def test_a_renamed_stage_method_fails_manage_py_check(monkeypatch, model, name):
    monkeypatch.delattr(model, name)
    messages = [e.msg for e in _errors()]
    assert len(messages) == 1 and f"{model._meta.label}.{name}" in messages[0]
    with pytest.raises(SystemCheckError, match=name):
        call_command("check")


def test_a_renamed_reverse_relation_is_reported_with_where_it_is_read(monkeypatch):
    # As if review renamed related_name="review_candidacies": the name workstations reads no longer exists.
    renamed = tuple(
        dataclasses.replace(r, accessor="candidacies") if r.accessor == "review_candidacies" else r
        for r in contracts.RELATIONS
    )
    monkeypatch.setattr(contracts, "RELATIONS", renamed)
    messages = [e.msg for e in _errors()]
    assert messages == [
        "A stage-app contract of workstations is broken: workstations.Workstation.candidacies no longer exists "
        "(read by name in workstations/rules/conditions.py, views/lifecycle.py)."
    ]


def test_a_manager_method_that_disappears_is_reported(monkeypatch):
    monkeypatch.delattr(type(Ledger.objects), "visible_to")
    messages = " ".join(e.msg for e in _errors())
    assert "subsidies.Ledger.objects.visible_to() is gone" in messages


def test_a_page_section_at_an_unknown_place_or_a_path_that_does_not_import_is_reported(settings):
    settings.WORKSTATIONS_PAGE_SECTIONS = {
        **settings.WORKSTATIONS_PAGE_SECTIONS,
        "sidebar": ["subsidies.sections.misuse_findings"],
        "detail": ["subsidies.sections.renamed_away"],
    }
    messages = " ".join(e.msg for e in _errors())
    assert "page section place 'sidebar' is unknown" in messages
    assert "page section 'subsidies.sections.renamed_away' at 'detail' does not import" in messages


def test_a_lookup_that_no_longer_follows_is_named():
    from workstations.models import Workstation

    assert contracts._follow(Workstation, "publicity_entries__publicity_list__published_at") is None
    assert "has no field 'published'" in contracts._follow(Workstation, "publicity_entries__publicity_list__published")
