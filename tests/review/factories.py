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
    ensure_supervisor()
    experts_list = experts_list or [ExpertProfileFactory().user for _ in range(experts)]
    workstations = workstations or [recommended_workstation(lead=f"候选{i}") for i in range(candidates)]
    panel = services.panel_create(name="评审专家组", call=call, members=experts_list, actor=staff)
    rule.setdefault("min_eligible", 1)
    review_round = services.round_create(panel=panel, title="第一轮评审", actor=staff, **rule)
    services.round_set_candidates(review_round=review_round, workstations=workstations, actor=staff)
    return review_round, experts_list, list(review_round.candidates.order_by("workstation_id"))


def ensure_supervisor():
    """The supervisor is a key holder of every round (issue 13): make one when the test has none."""
    from portal.models import User

    found = User.objects.filter(organisation__kind=OrgKind.DISCIPLINE_GROUP, is_active=True).order_by("pk").first()
    return found or factories.UserFactory(organisation=factories.DisciplineGroupFactory(), username="jijian-test")


# Key shares taken by the holders of each round opened in a test: {round id: {username: code}}.
SHARES: dict[int, dict[str, str]] = {}


def take_shares(review_round) -> dict[str, str]:
    """Every key holder takes their share, as they would on the "My key share" page; voting can then start."""
    taken = SHARES.setdefault(review_round.pk, {})
    for kh in review_round.key_holders.select_related("holder").filter(taken_at__isnull=True):
        _holder, code = services.key_share_take(review_round=review_round, actor=kh.holder)
        taken[kh.holder.username] = code
    return taken


def supervisor_and_one(review_round) -> list[str]:
    """The threshold's worth of shares, the supervisor's first (the close needs it)."""
    holders = review_round.key_holders.select_related("holder").order_by("index")
    codes = SHARES[review_round.pk]
    ordered = sorted(holders, key=lambda kh: kh.holder.role != "supervisor")
    return [codes[kh.holder.username] for kh in ordered][: review_round.key_threshold]


def close_round(review_round, actor, *, reason: str = "early close in a test"):
    """Close with the key holders' shares (the supervisor's among them) and a reason in case it is early."""
    return services.round_close(
        review_round=review_round, actor=actor, shares=supervisor_and_one(review_round), reason=reason
    )


def open_round(staff, **kwargs):
    review_round, experts, candidates = draft_round(staff, **kwargs)
    review_round = services.round_open(review_round=review_round, actor=staff)
    take_shares(review_round)
    return review_round, experts, candidates
