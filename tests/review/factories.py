"""Factories and builders for review tests."""

import factory

from portal.roles import OrgKind
from review import services
from review.models import ExpertProfile
from tests import factories
from workstations.models import State, Workstation


class ExpertFactory(factories.UserFactory):
    organisation = factory.LazyFunction(
        lambda: (
            factories.ExpertPoolFactory._meta.model.objects.filter(kind=OrgKind.EXPERT_POOL).first()
            or factories.ExpertPoolFactory()
        )
    )
    username = factory.Sequence(lambda n: f"expert{n}")


class ExpertProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertProfile

    user = factory.SubFactory(ExpertFactory)
    field = "创业指导"
    employer_text = "某高校"


def recommended_workstation(**kwargs) -> Workstation:
    host = kwargs.pop("host_unit", None) or factories.HostUnitFactory()
    return Workstation.objects.create(
        host_unit=host, recommender=host.county, state=State.QUALIFIED, lead_mentor_name=kwargs.pop("lead", "导师")
    )


def draft_round(
    staff, *, experts: int = 7, candidates: int = 1, experts_list=None, workstations=None, call=None, **rule
):
    """A draft round with ``experts`` new experts on its panel and ``candidates`` recommended workstations."""
    experts_list = experts_list or [ExpertProfileFactory().user for _ in range(experts)]
    workstations = workstations or [recommended_workstation(lead=f"候选{i}") for i in range(candidates)]
    panel = services.panel_create(name="评审专家组", call=call, members=experts_list, actor=staff)
    rule.setdefault("min_eligible", 1)
    review_round = services.round_create(panel=panel, title="第一轮评审", actor=staff, **rule)
    services.round_set_candidates(review_round=review_round, workstations=workstations, actor=staff)
    return review_round, experts_list, list(review_round.candidates.order_by("workstation_id"))


def open_round(staff, **kwargs):
    review_round, experts, candidates = draft_round(staff, **kwargs)
    review_round = services.round_open(review_round=review_round, actor=staff)
    return review_round, experts, candidates
