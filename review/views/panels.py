"""The expert pool and panels, kept by city staff (Art. 6(3))."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from portal.models import User
from portal.permissions import get_visible_or_404, role_required
from portal.roles import OrgKind, Role
from review import services
from review.forms import ExpertProfileForm, PanelForm
from review.models import ExpertProfile, Panel


@role_required(Role.CITY_STAFF, Role.SUPERVISOR)
def panel_list(request: HttpRequest) -> HttpResponse:
    panels = (
        Panel.objects.visible_to(request.user)
        .select_related("call")
        .prefetch_related("members")
        .order_by("-created_at", "-id")
    )
    return render(request, "review/panel_list.html", {"panels": panels})


@role_required(Role.CITY_STAFF)
def panel_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    panel = get_visible_or_404(Panel.objects.all(), request.user, pk=pk) if pk else None
    form = PanelForm(request.POST or None, instance=panel)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {"name": data["name"], "call": data["call"], "members": data["members"], "actor": request.user}
        if panel is None:
            panel = services.panel_create(**values)
        else:
            services.panel_update(panel=panel, **values)
        messages.success(request, _("The panel has been saved."))
        return redirect("review:panel_list")
    return render(request, "review/panel_form.html", {"form": form, "panel": panel})


@role_required(Role.CITY_STAFF, Role.SUPERVISOR)
def expert_list(request: HttpRequest) -> HttpResponse:
    experts = (
        User.objects.filter(organisation__kind=OrgKind.EXPERT_POOL)
        .select_related("expert_profile", "expert_profile__employer")
        .order_by("username")
    )
    return render(request, "review/expert_list.html", {"experts": experts})


@role_required(Role.CITY_STAFF)
def expert_profile_edit(request: HttpRequest, user_pk: int) -> HttpResponse:
    expert = get_object_or_404(User, pk=user_pk, organisation__kind=OrgKind.EXPERT_POOL)
    profile = ExpertProfile.objects.filter(user=expert).first()
    form = ExpertProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.expert_profile_save(user=expert, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The expert's profile has been saved."))
        return redirect("review:expert_list")
    return render(request, "review/expert_form.html", {"form": form, "expert": expert})
