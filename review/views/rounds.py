"""Staff run rounds; everyone on a round sees its page; the supervisor oversees (Art. 6(3))."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.permissions import require_role, role_required
from portal.roles import Role
from review import selectors, services
from review.forms import CandidatesForm, DeclareForm, ReasonForm, RecusalForm, RoundForm
from review.models import RoundCandidate


def _error(request, exc: services.ReviewError) -> None:
    for problem in exc.problems:
        messages.error(request, problem)


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.CITY_STAFF, Role.SUPERVISOR, Role.EXPERT)
    return render(request, "review/round_list.html", {"rounds": selectors.round_list_for(request.user)})


@role_required(Role.CITY_STAFF)
def round_create(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_round = services.round_create(
                panel=form.cleaned_data["panel"], title=form.cleaned_data["title"], actor=request.user, **form.rule()
            )
        except services.ReviewError as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("Round created. Now add the candidates."))
            return redirect("review:round_candidates", review_round.pk)
    return render(request, "review/round_form.html", {"form": form})


@role_required(Role.CITY_STAFF)
def round_rule(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = selectors.get_round_for(request.user, pk)
    form = RoundForm(request.POST or None, instance=review_round)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update_rule(review_round=review_round, actor=request.user, **form.rule())
        except services.ReviewError as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("The rule has been saved."))
            return redirect("review:round_detail", pk)
    return render(request, "review/round_form.html", {"form": form, "round": review_round})


@role_required(Role.CITY_STAFF)
def round_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = selectors.get_round_for(request.user, pk)
    current = [c.workstation for c in review_round.candidates.select_related("workstation")]
    queryset = selectors.recommended_workstations(review_round.panel.call_id)
    # A new round of a panel formed for a call starts with all of that call's recommended applications ticked.
    initial = current or selectors.default_candidates(review_round, queryset)
    form = CandidatesForm(request.POST or None, queryset=queryset, initial={"workstations": initial})
    if request.method == "POST" and form.is_valid():
        try:
            services.round_set_candidates(
                review_round=review_round, workstations=form.cleaned_data["workstations"], actor=request.user
            )
        except services.ReviewError as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("The candidates have been saved."))
            return redirect("review:round_detail", pk)
    return render(
        request,
        "review/round_candidates.html",
        {"form": form, "round": review_round, "call": review_round.panel.call, "preselected": not current},
    )


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = selectors.get_round_for(request.user, pk)
    candidates = selectors.candidates_of(review_round)
    user = request.user
    context = {
        "round": review_round,
        "candidates": candidates,
        "rule_words": review_round.rule.describe(),
        "is_staff": user.role == Role.CITY_STAFF,
        "is_supervisor": user.role == Role.SUPERVISOR,
        "is_expert": user.role == Role.EXPERT,
    }
    if user.role == Role.EXPERT:
        mine = selectors.expert_view_of(user, review_round, candidates)
        for candidate in candidates:
            candidate.my_part = mine[candidate.pk]
        context["declare_form"] = DeclareForm()
    if user.role in (Role.CITY_STAFF, Role.SUPERVISOR) and not review_round.is_draft:
        context["attendance"] = selectors.attendance(review_round)
    if user.role == Role.CITY_STAFF and not review_round.is_closed:
        context["recusal_form"] = RecusalForm(review_round=review_round)
    if user.role == Role.CITY_STAFF:
        context["reason_form"] = ReasonForm()
    return render(request, "review/round_detail.html", context)


@role_required(Role.CITY_STAFF)
@require_POST
def recusal_record(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = selectors.get_round_for(request.user, pk)
    form = RecusalForm(request.POST, review_round=review_round)
    if form.is_valid():
        try:
            services.recusal_record(
                review_round=review_round,
                candidate=form.cleaned_data["candidate"],
                expert=form.cleaned_data["expert"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except services.ReviewError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("The conflict of interest has been recorded."))
    else:
        messages.error(request, _("Please choose a candidate and an expert and give a reason."))
    return redirect("review:round_detail", pk)


@role_required(Role.EXPERT)
@require_POST
def recusal_declare(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    review_round, candidate = selectors.get_candidate_for(request.user, pk, cid)
    form = DeclareForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please say why you must stay out of this vote."))
        return redirect("review:round_detail", pk)
    try:
        services.recusal_declare(
            review_round=review_round, candidate=candidate, reason=form.cleaned_data["reason"], actor=request.user
        )
    except services.ReviewError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Your conflict of interest has been recorded; you will not vote on it."))
    return redirect("review:round_detail", pk)


@role_required(Role.CITY_STAFF)
@require_POST
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = selectors.get_round_for(request.user, pk)
    try:
        services.round_open(review_round=review_round, actor=request.user)
    except services.ReviewError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The round is open. The experts have been notified."))
    return redirect("review:round_detail", pk)


@role_required(Role.CITY_STAFF)
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = selectors.get_round_for(request.user, pk)
    try:
        services.round_close(review_round=review_round, actor=request.user)
    except services.ReviewError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The round is closed and tallied."))
    return redirect("review:round_detail", pk)


@role_required(Role.CITY_STAFF)
@require_POST
def candidate_requeue(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    review_round = selectors.get_round_for(request.user, pk)
    candidate = get_object_or_404(RoundCandidate, round=review_round, pk=cid)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
        return redirect("review:round_detail", pk)
    try:
        services.candidate_requeue(candidate=candidate, reason=form.cleaned_data["reason"], actor=request.user)
    except services.ReviewError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The candidate is back on the recommended list for a new round."))
    return redirect("review:round_detail", pk)


@login_required
def round_oversight(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, Role.SUPERVISOR, Role.CITY_STAFF)
    review_round = selectors.get_round_for(request.user, pk)
    return render(
        request,
        "review/round_oversight.html",
        {
            "round": review_round,
            "rule_words": review_round.rule.describe(),
            "events": review_round.events.select_related("actor").order_by("at", "id"),
            "attendance": selectors.attendance(review_round),
            "candidates": selectors.candidates_of(review_round),
            "recusals": review_round.recusals.select_related("expert", "candidate__workstation"),
        },
    )


@login_required
@require_POST
def round_recount(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, Role.SUPERVISOR, Role.CITY_STAFF)
    review_round = selectors.get_round_for(request.user, pk)
    try:
        result = services.round_recount(review_round=review_round, actor=request.user)
    except services.ReviewError as exc:
        _error(request, exc)
        return redirect("review:round_oversight", pk)
    except PermissionDenied:
        raise
    return render(
        request,
        "review/round_oversight.html",
        {
            "round": review_round,
            "rule_words": review_round.rule.describe(),
            "events": review_round.events.select_related("actor").order_by("at", "id"),
            "attendance": selectors.attendance(review_round),
            "candidates": selectors.candidates_of(review_round),
            "recusals": review_round.recusals.select_related("expert", "candidate__workstation"),
            "recount": result,
        },
    )
