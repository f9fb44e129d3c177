"""Secrecy by design, checked on the schema (SPEC §4; docs/ballot-secrecy.md)."""

import uuid

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models

from portal.models import User
from review.models import Ballot, ExpertProfile, Participation, Receipt, RoundExpert, StagedBallot

BALLOT_MODELS = [Ballot, StagedBallot, Receipt]
FIELDS = {
    StagedBallot: ["id", "candidate", "envelope", "receipt_hash"],  # sealed: no choice while the round is open
    Ballot: ["id", "candidate", "choice", "envelope"],  # opened at the close: no receipt beside a choice
    Receipt: ["id", "candidate", "receipt_hash"],  # inclusion only
}


@pytest.mark.parametrize("model", BALLOT_MODELS)
def test_ballot_has_no_relation_to_users_experts_or_participation(model):
    forbidden = {User, ExpertProfile, Participation, RoundExpert}
    for f in model._meta.get_fields():
        if f.is_relation:
            assert f.related_model not in forbidden, f.name
    # ... and nothing points at a ballot either (a reverse relation would be a link too).
    for other in apps.get_models():
        for f in other._meta.get_fields(include_hidden=True):
            if f.is_relation and f.concrete and other is not model:
                assert f.related_model is not model, f"{other.__name__}.{f.name}"


@pytest.mark.parametrize("model", BALLOT_MODELS)
def test_ballot_has_no_date_time_or_address_field_and_a_uuid4_key(model):
    for f in model._meta.concrete_fields:
        assert not isinstance(
            f, models.DateField | models.TimeField | models.DurationField | models.GenericIPAddressField
        )
        assert not isinstance(f, models.AutoField | models.BigAutoField)
    assert isinstance(model._meta.pk, models.UUIDField)
    assert model._meta.pk.default is uuid.uuid4
    assert [f.name for f in model._meta.concrete_fields] == FIELDS[model]


@pytest.mark.parametrize("model", [*BALLOT_MODELS, Participation])
def test_no_default_ordering_no_admin_no_history(model):
    assert not model._meta.ordering
    assert model not in admin.site._registry
    assert not any(m.__name__ == f"Historical{model.__name__}" for m in apps.get_models())


def test_participation_carries_no_choice_and_no_time():
    names = {f.name for f in Participation._meta.concrete_fields}
    assert names == {"id", "round", "candidate", "expert"}
    assert isinstance(Participation._meta.pk, models.UUIDField)
