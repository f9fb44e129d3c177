"""Staff run rounds; everyone on a round sees its page; the supervisor oversees (Art. 6(3))."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from portal.paging import page_of
from portal.permissions import require_role, role_required
from portal.refusals import refusal_to_form, refusal_to_messages
from portal.roles import Role
from review import selectors, services
from review.forms import CandidatesForm, CloseForm, DeclareForm, ReasonForm, RecountForm, RecusalForm, RoundForm
from review.models import RoundCandidate


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.CITY_STAFF, Role.SUPERVISOR, Role.EXPERT)
    return render(request, "review/round_list.html", {"rounds": selectors.round_list_for(request.user)})


@role_required(Role.CITY_STAFF)
def round_create(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            review_round = services.round_create(
                panel=form.cleaned_data["panel"],
                title=form.cleaned_data["title"],
                actor=request.user,
                key_holders=list(form.cleaned_data["key_holders"]) or None,
                closes_at=form.cleaned_data["closes_at"],
                **form.rule(),
            )
        except services.ReviewError as exc:
            refusal_to_form(form, exc)
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
            services.round_update_rule(
                review_round=review_round,
                actor=request.user,
                key_holders=list(form.cleaned_data["key_holders"]) or None,
                closes_at=form.cleaned_data["closes_at"],
                **form.rule(),
            )
        except services.ReviewError as exc:
            refusal_to_form(form, exc)
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
            refusal_to_form(form, exc)
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
    page = page_of(request, selectors.candidate_rows(review_round))
    candidates = list(page)
    user = request.user
    context = {
        "round": review_round,
        "candidates": candidates,
        "page": page,
        "rule_words": review_round.rule.describe(),
        "is_staff": user.role == Role.CITY_STAFF,
        "is_supervisor": user.role == Role.SUPERVISOR,
        "is_expert": user.role == Role.EXPERT,
        "is_key_holder": review_round.key_holders.filter(holder=user).exists(),
        "holders": review_round.key_holders.select_related("holder"),
    }
    if user.role == Role.EXPERT:
        mine = selectors.expert_view_of(user, review_round, candidates)
        for candidate in candidates:
            candidate.my_part = mine[candidate.pk]
        context["declare_form"] = DeclareForm()
    if user.role in (Role.CITY_STAFF, Role.SUPERVISOR) and not review_round.is_draft:
        context["attendance"] = selectors.ballots_cast(review_round)
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
            refusal_to_messages(request, exc)
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
        refusal_to_messages(request, exc)
    else:
        messages.success(request, _("Your conflict of interest has been recorded; you will not vote on it."))
    return redirect("review:round_detail", pk)


@role_required(Role.CITY_STAFF)
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    """开始投票: a confirmation page that states what opening freezes and who gets a key share; POST opens."""
    review_round = selectors.get_round_for(request.user, pk)
    if not review_round.is_draft:
        messages.info(request, _("The round is already open."))
        return redirect("review:round_detail", pk)
    if request.method == "POST":
        try:
            services.round_open(review_round=review_round, actor=request.user)
        except services.ReviewError as exc:
            refusal_to_messages(request, exc)
        else:
            messages.success(request, _("The round is open. The key holders and the experts have been notified."))
            return redirect("review:round_detail", pk)
    return render(
        request,
        "review/round_open_confirm.html",
        {
            "round": review_round,
            "experts": list(review_round.panel.members.filter(is_active=True).order_by("username")),
            "candidates": selectors.candidates_of(review_round),
            "holders": list(review_round.key_holders.select_related("holder", "holder__organisation")),
            "problems": services.keys.key_holder_problems(review_round) + review_round.rule.problems(),
            "rule_words": review_round.rule.describe(),
        },
    )


@sensitive_post_parameters()
@sensitive_variables("form")
@never_cache
@role_required(Role.CITY_STAFF)
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    """结束投票并计票: the key holders' ceremony. The page states the consequence per candidate in numbers; the key
    holders type their shares; POST opens the box."""
    review_round = selectors.get_round_for(request.user, pk)
    if not review_round.is_open:
        messages.info(request, _("Only an open round can be closed."))
        return redirect("review:round_detail", pk)
    preview = services.round_close_preview(review_round)
    form = CloseForm(request.POST or None, holders=preview.holders, early=preview.early)
    problems = []
    if request.method == "POST":
        if form.is_valid():
            try:
                services.round_close(
                    review_round=review_round,
                    actor=request.user,
                    shares=form.shares(),
                    reason=form.cleaned_data.get("reason", ""),
                )
            except services.ReviewError as exc:
                problems = exc.problems
            else:
                messages.success(request, _("The round is closed and tallied; the key has been forgotten."))
                return redirect("review:round_detail", pk)
        else:
            problems = [e for errors in form.errors.values() for e in errors]
        # Shown again with the reason kept but the typed shares never echoed back into the page.
        form = CloseForm(
            holders=preview.holders, early=preview.early, initial={"reason": request.POST.get("reason", "")}
        )
    return render(
        request,
        "review/round_close_confirm.html",
        {"round": review_round, "preview": preview, "form": form, "problems": problems},
    )


@never_cache
@role_required(Role.CITY_STAFF, Role.SUPERVISOR)
def key_share(request: HttpRequest, pk: int) -> HttpResponse:
    """A key holder takes their share of the round's key, once: a printable code and a text download."""
    review_round = selectors.get_round_for(request.user, pk)
    holder = review_round.key_holders.filter(holder=request.user).first()
    if holder is None:
        raise PermissionDenied(_("You are not a key holder of this round."))
    code = None
    if request.method == "POST":
        try:
            holder, code = services.key_share_take(review_round=review_round, actor=request.user)
        except services.ReviewError as exc:
            refusal_to_messages(request, exc)
            return redirect("review:key_share", pk)
    return render(request, "review/key_share.html", {"round": review_round, "holder": holder, "code": code})


@role_required(Role.CITY_STAFF)
def round_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a round that never opened, after a confirmation page naming what goes."""
    review_round = selectors.get_round_for(request.user, pk)
    if request.method == "POST":
        try:
            title = services.round_delete(review_round=review_round, actor=request.user)
        except services.ReviewError as exc:
            refusal_to_messages(request, exc)
            return redirect("review:round_detail", pk)
        messages.success(request, _("The round “%(title)s” has been deleted.") % {"title": title})
        return redirect("review:round_list")
    if not review_round.is_draft:
        messages.error(request, _("Only a round that has not been opened can be deleted."))
        return redirect("review:round_detail", pk)
    return render(
        request,
        "review/round_delete_confirm.html",
        {"round": review_round, "candidates": selectors.candidates_of(review_round)},
    )


@role_required(Role.CITY_STAFF)
def candidate_requeue(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    """重新评审: the candidate left undecided goes back to the recommended list for a new round (a page, then POST)."""
    review_round = selectors.get_round_for(request.user, pk)
    candidate = get_object_or_404(RoundCandidate.objects.select_related("workstation"), round=review_round, pk=cid)
    form = ReasonForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return render(
            request, "review/candidate_requeue.html", {"round": review_round, "candidate": candidate, "form": form}
        )
    try:
        services.candidate_requeue(candidate=candidate, reason=form.cleaned_data["reason"], actor=request.user)
    except services.ReviewError as exc:
        refusal_to_messages(request, exc)
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
            "attendance": selectors.attendance(review_round, request),
            "candidates": page_of(request, selectors.candidate_rows(review_round)),
            "recusals": review_round.recusals.select_related("expert", "candidate__workstation"),
            "holders": review_round.key_holders.select_related("holder"),
            "recount_form": RecountForm(),
        },
    )


@sensitive_post_parameters("shares")
@never_cache
@login_required
@require_POST
def round_recount(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, Role.SUPERVISOR, Role.CITY_STAFF)
    review_round = selectors.get_round_for(request.user, pk)
    form = RecountForm(request.POST)
    form.is_valid()
    try:
        result = services.round_recount(review_round=review_round, actor=request.user, shares=form.share_list())
    except services.ReviewError as exc:
        refusal_to_messages(request, exc)
        return redirect("review:round_oversight", pk)
    return render(
        request,
        "review/round_oversight.html",
        {
            "round": review_round,
            "rule_words": review_round.rule.describe(),
            "events": review_round.events.select_related("actor").order_by("at", "id"),
            "attendance": selectors.attendance(review_round, request),
            "candidates": page_of(request, selectors.candidate_rows(review_round)),
            "recusals": review_round.recusals.select_related("expert", "candidate__workstation"),
            "holders": review_round.key_holders.select_related("holder"),
            "recount": result,
            "recount_form": RecountForm(),
        },
    )
