"""Home-page panels of the review stage."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.dashboard import Panel
from portal.roles import Role
from review.models import ReviewRound
from review.selectors import pending_ballots_for


def home_panels(user) -> list[Panel]:
    if user.role == Role.EXPERT:
        pending = pending_ballots_for(user)
        drafts = ReviewRound.objects.filter(status=ReviewRound.Status.DRAFT, panel__members=user).order_by("pk")
        return [
            Panel(
                title=_("Ballots waiting for you"),
                count=sum(n for _r, n in pending),
                url=reverse("review:round_list"),
                items=[(f"{r.title}（{n}）", reverse("review:round_detail", args=[r.pk])) for r, n in pending],
                tone="danger" if pending else "primary",
                order=5,
            ),
            Panel(
                title=_("Rounds being prepared: declare conflicts of interest"),
                count=len(drafts),
                items=[(r.title, reverse("review:round_detail", args=[r.pk])) for r in drafts],
                order=6,
            ),
        ]
    if user.role in (Role.CITY_STAFF, Role.SUPERVISOR):
        open_rounds = list(ReviewRound.objects.filter(status=ReviewRound.Status.OPEN).order_by("pk"))
        view = "review:round_detail" if user.role == Role.CITY_STAFF else "review:round_oversight"
        return [
            Panel(
                title=_("Review rounds open for voting"),
                count=len(open_rounds),
                url=reverse("review:round_list"),
                items=[(r.title, reverse(view, args=[r.pk])) for r in open_rounds],
                order=20,
            )
        ]
    return []
