"""Calls (Art. 6(1)), the recommender's desk (Art. 6(2)) and the city's view of all candidates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import forms, selectors, services, vetting
from applications.models import Call
from portal.documents.services import DocumentRefused
from portal.excel import workbook_response
from portal.models import Organisation
from portal.paging import Counted, OrderedByIds, page_of
from portal.permissions import get_visible_or_404, role_required
from portal.refusals import refusal_to_form, refusal_to_messages
from portal.roles import CITY_WIDE_ROLES, Role
from workstations.models import State
from workstations.services.lifecycle import TransitionRefused


@login_required
def call_list(request: HttpRequest) -> HttpResponse:
    return render(request, "applications/call_list.html", {"calls": Call.objects.visible_to(request.user)})


@login_required
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_visible_or_404(Call.objects.all(), request.user, pk=pk)
    return render(request, "applications/call_detail.html", {"call": call, "board": selectors.quota_board(call)})


@role_required(Role.CITY_STAFF)
def call_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    call = get_visible_or_404(Call.objects.all(), request.user, pk=pk) if pk else Call()
    form = forms.CallForm(request.POST or None, instance=call)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_save(call=form.save(commit=False), quotas=form.quotas(), actor=request.user)
        except DocumentRefused as exc:
            refusal_to_form(form, exc, field="document_number")
        else:
            messages.success(request, _("Call saved."))
            return redirect("applications:call_detail", call.pk)
    return render(request, "applications/call_form.html", {"form": form, "call": call})


@role_required(Role.CITY_STAFF)
@require_POST
def call_close(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_visible_or_404(Call.objects.all(), request.user, pk=pk)
    services.call_close(call=call, actor=request.user)
    messages.success(request, _("The call is closed; drafts are locked."))
    return redirect("applications:call_detail", call.pk)


@role_required(Role.CITY_STAFF, Role.SUPERVISOR)
def call_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    """SPEC §4 / issue 3(7): every candidate of a call by recommender and state, filterable, with counts."""
    call = get_visible_or_404(Call.objects.all(), request.user, pk=pk)
    recommender = request.GET.get("recommender", "")
    recommender_id = int(recommender) if recommender.isdigit() else None
    state = request.GET.get("state", "")
    state = state if state in State.values else ""
    return render(
        request,
        "applications/call_candidates.html",
        {
            "call": call,
            "candidates": page_of(
                request, OrderedByIds(selectors.call_candidates(call, recommender_id=recommender_id, state=state))
            ),
            "counts": selectors.call_counts(call),
            "recommenders": Organisation.objects.recommenders().order_by("kind", "code", "name"),
            "states": State,
            "recommender_id": recommender_id,
            "state": state,
        },
    )


@role_required(Role.RECOMMENDER)
def recommender_desk(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_visible_or_404(Call.objects.all(), request.user, pk=pk)
    sets = selectors.recommender_queue_sets(call, request.user.organisation_id)
    counts = selectors.recommender_queue_counts(call, request.user.organisation_id)
    # One list at a time, a page at a time (issue 21: a county with thousands of applications still reads one page):
    # what waits for a decision first, the ranking once nothing waits.
    shown = request.GET.get("show", "")
    if shown not in sets:
        shown = "waiting" if counts["waiting"] else "recommended"
    return render(
        request,
        "applications/recommender_desk.html",
        {
            "call": call,
            "shown": shown,
            "counts": counts,
            "page": page_of(request, Counted(selectors.desk_rows(sets[shown]), counts[shown], row=selectors.DeskRow)),
            "quota": selectors.quota_line_for(call, request.user.organisation_id, used=counts["recommended"]),
        },
    )


@role_required(Role.RECOMMENDER)
@require_POST
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Return, decline (both with a reason) or recommend within the quota (Art. 6(2))."""
    application = selectors.get_application_for(request.user, pk)
    form = forms.ReasonForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    action = request.POST.get("action")
    try:
        if action == "recommend":
            recommend_form = forms.RecommendForm(request.POST, request.FILES)
            if not recommend_form.is_valid():
                for errors in recommend_form.errors.values():
                    for error in errors:
                        messages.error(request, error)
                return redirect("applications:detail", application.pk)
            application = services.application_recommend(
                application=application,
                actor=request.user,
                opinion=recommend_form.cleaned_data["opinion"],
                letter=recommend_form.cleaned_data.get("letter"),
            )
            messages.success(request, _("Recommended as number %(rank)d.") % {"rank": application.rank})
        elif action == "return":
            services.application_return(application=application, actor=request.user, reason=reason)
            messages.success(request, _("Returned to the host unit."))
        elif action == "decline":
            services.application_decline(application=application, actor=request.user, reason=reason)
            messages.success(request, _("Not recommended."))
        else:
            messages.error(request, _("Unknown action."))
    except TransitionRefused as exc:
        refusal_to_messages(request, exc)
    return redirect("applications:detail", application.pk)


@role_required(Role.RECOMMENDER)
@require_POST
def application_move(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk)
    try:
        services.application_move_rank(application=application, up=request.POST.get("dir") == "up", actor=request.user)
    except TransitionRefused as exc:
        refusal_to_messages(request, exc)
    return redirect(reverse("applications:recommender_desk", args=[application.call_id]) + "?show=recommended")


@role_required(Role.RECOMMENDER, Role.CITY_STAFF)
def recommendation_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The 推荐汇总表: a recommender's ranked candidates (city staff pass ?recommender=<id>)."""
    call = get_visible_or_404(Call.objects.all(), request.user, pk=pk)
    if request.user.role == Role.RECOMMENDER:
        recommender = request.user.organisation
    else:
        recommender_id = request.GET.get("recommender", "")
        recommender = Organisation.objects.recommenders().filter(pk=int(recommender_id or 0)).first()
        if recommender is None or not recommender_id.isdigit():
            raise Http404(_("Choose a recommender."))
    ranked = selectors.recommender_queue(call, recommender.pk)["recommended"]
    from applications.sheets import recommendation_workbook

    wb = recommendation_workbook(call=call, recommender=recommender, ranked=ranked)
    return workbook_response(wb, f"推荐汇总表-{recommender.display_short}-{call.pk}.xlsx")


@role_required(Role.RECOMMENDER)
@require_POST
def material_original(request: HttpRequest, pk: int, material_pk: int) -> HttpResponse:
    """原件已核: the recommender ticks (or unticks) that it has seen the original of one copy."""
    application = selectors.get_application_for(request.user, pk)
    material = selectors.get_material_for(request.user, application, material_pk)
    try:
        vetting.material_mark_original(
            material=material, checked=request.POST.get("checked") == "1", actor=request.user
        )
    except TransitionRefused as exc:
        refusal_to_messages(request, exc)
    return redirect("applications:materials", application.pk)


@role_required(Role.RECOMMENDER, Role.CITY_STAFF, Role.SUPERVISOR)
def recommendation_letter(request: HttpRequest, pk: int) -> HttpResponse:
    from portal.uploads import file_response

    application = selectors.get_application_for(request.user, pk)
    if application.recommendation_letter is None:
        raise Http404(_("Not found, or not yours to see."))
    return file_response(application.recommendation_letter)


@role_required(Role.CITY_STAFF)
@require_POST
def application_qualification(request: HttpRequest, pk: int) -> HttpResponse:
    """资格审查: city staff pass a recommended candidate or rule it ineligible with a reason."""
    application = selectors.get_application_for(request.user, pk)
    form = forms.ReasonForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    try:
        if request.POST.get("action") == "qualify":
            vetting.application_qualify(application=application, actor=request.user, note=reason)
            messages.success(request, _("Qualification check passed; the candidate can be put to a review round."))
        elif request.POST.get("action") == "ineligible":
            vetting.application_rule_ineligible(application=application, actor=request.user, reason=reason)
            messages.success(request, _("Ruled ineligible; the host unit and the recommender are told."))
        else:
            messages.error(request, _("Unknown action."))
    except TransitionRefused as exc:
        refusal_to_messages(request, exc)
    return redirect("applications:detail", application.pk)


@role_required(Role.CITY_STAFF)
@require_POST
def site_visit_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.get_application_for(request.user, pk)
    form = forms.SiteVisitForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            vetting.site_visit_record(
                application=application,
                visited_on=form.cleaned_data["visited_on"],
                people=form.cleaned_data["people"],
                findings=form.cleaned_data["findings"],
                photos=form.cleaned_data.get("photos") or [],
                actor=request.user,
            )
        except TransitionRefused as exc:
            refusal_to_messages(request, exc)
        else:
            messages.success(request, _("Site visit recorded."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        messages.warning(request, _("The visit was not recorded; please enter it again (photos must be chosen again)."))
    return redirect("applications:detail", application.pk)


@login_required
def site_visit_photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    """A photo of a site visit: city staff, the supervisor and the host unit of the application."""
    from applications.models import SiteVisitPhoto
    from portal.uploads import file_response

    application = selectors.get_application_for(request.user, pk)
    if request.user.role not in (*CITY_WIDE_ROLES, Role.HOST_UNIT):
        raise Http404(_("Not found, or not yours to see."))
    photo = SiteVisitPhoto.objects.filter(pk=photo_pk, visit__application=application).select_related("file").first()
    if photo is None:
        raise Http404(_("Not found, or not yours to see."))
    return file_response(photo.file)
