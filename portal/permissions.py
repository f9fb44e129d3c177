"""Fetch-and-authorise helpers used by every view (one place, STYLE habit 3).

Each model that users reach through a URL has a QuerySet method ``visible_to(user)`` that returns what that user may
see. Views fetch through :func:`get_visible_or_404`, so an object of another organisation is a 404, never its data.
Actions use :func:`require_role`, which raises ``PermissionDenied`` with a reason the 403 page shows.
"""

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from portal.roles import Role

_M = TypeVar("_M", bound=Model)


def get_visible_or_404(queryset: QuerySet[_M], user, **lookup) -> _M:
    """Return the object matching ``lookup`` among those ``user`` may see, or raise 404."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError) as exc:
        raise Http404(_("Not found, or not yours to see.")) from exc


def require_role(user, *roles: str) -> None:
    if not (user.is_authenticated and user.is_active and user.role in roles):
        raise PermissionDenied(
            _("This page is for: %(roles)s.") % {"roles": "、".join(str(Role(r).label) for r in roles)}
        )


def role_required(*roles: str) -> Callable:
    """View decorator: login plus one of ``roles``; anonymous users go to the login page."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            require_role(request.user, *roles)
            return view(request, *args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator
