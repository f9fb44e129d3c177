"""The expert pool and panels (Art. 6(3): the city bureau sets up the review panel)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import User
from portal.permissions import require_role
from portal.roles import Role
from review.models import ExpertProfile, Panel


def _require_staff(actor: User) -> None:
    require_role(actor, Role.CITY_STAFF)


def expert_profile_save(
    *, user, field: str, title: str = "", employer=None, employer_text: str = "", active=True, actor: User
):
    """Create or update an expert's profile (field of expertise and employer, for conflicts of interest)."""
    _require_staff(actor)
    if user.role != Role.EXPERT:
        raise PermissionDenied(_("Only members of the expert pool can have an expert profile."))
    profile, _created = ExpertProfile.objects.update_or_create(
        user=user,
        defaults={
            "field": field,
            "title": title,
            "employer": employer,
            "employer_text": employer_text,
            "active": active,
        },
    )
    return profile


@transaction.atomic
def panel_create(*, name: str, call=None, members=(), actor: User) -> Panel:
    """Art. 6(3): the city bureau forms a panel of experts for a call (an ``applications.Call``, or None)."""
    _require_staff(actor)
    panel = Panel.objects.create(name=name, call=call, created_by=actor)
    panel_set_members(panel=panel, members=members, actor=actor)
    return panel


@transaction.atomic
def panel_update(*, panel: Panel, name: str, call=None, members=(), actor: User) -> Panel:
    """Rename the panel, change its call and set its members (rounds already open keep their frozen experts)."""
    _require_staff(actor)
    locked = Panel.objects.select_for_update().get(pk=panel.pk)
    locked.name, locked.call = name, call
    locked.save(update_fields=["name", "call"])
    panel_set_members(panel=locked, members=members, actor=actor)
    return locked


@transaction.atomic
def panel_set_members(*, panel: Panel, members, actor: User) -> Panel:
    """Set the panel's experts. Rounds already open keep the experts they were frozen with."""
    _require_staff(actor)
    members = list(members)
    if any(m.role != Role.EXPERT for m in members):
        raise PermissionDenied(_("Only members of the expert pool can sit on a panel."))
    panel.members.set(members)
    return panel
