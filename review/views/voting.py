"""The expert's side: the candidate's file, the ballot with its confirmation, the receipt (Art. 6(3)).

The choice travels only in the POST body of the confirmation and the cast; it is never put in the session, a
message, a redirect or a log. ``sensitive_post_parameters`` keeps it out of error reports; ``never_cache`` sends
``Cache-Control: no-store`` on every page that shows a choice or a receipt code.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from portal.permissions import role_required
from portal.refusals import refusal_to_messages
from portal.roles import Role
from review import selectors, services
from review.forms import BallotForm, ReceiptForm
from review.models import Participation
from review.rules import Choice


def _can_vote(user, review_round, candidate) -> bool:
    return (
        user.role == Role.EXPERT
        and review_round.is_open
        and not candidate.voided
        and review_round.experts.filter(expert=user).exists()
        and not Participation.objects.filter(candidate=candidate, expert=user).exists()
    )


@role_required(Role.EXPERT, Role.CITY_STAFF, Role.SUPERVISOR)
def candidate_detail(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    review_round, candidate = selectors.get_candidate_for(request.user, pk, cid)
    voted = Participation.objects.filter(candidate=candidate, expert=request.user).exists()
    # Issue 13: an expert reads the application while the round is being prepared or open, not after it closed.
    materials_closed = request.user.role == Role.EXPERT and review_round.is_closed
    return render(
        request,
        "review/candidate_detail.html",
        {
            "round": review_round,
            "candidate": candidate,
            "workstation": candidate.workstation,
            "application": None if materials_closed else getattr(candidate.workstation, "application", None),
            "materials_closed": materials_closed,
            "can_vote": _can_vote(request.user, review_round, candidate),
            "voted": voted,
            "form": BallotForm(),
        },
    )


@sensitive_post_parameters("choice")
@never_cache
@role_required(Role.EXPERT)
@require_POST
def ballot_confirm(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    review_round, candidate = selectors.get_candidate_for(request.user, pk, cid)
    if not _can_vote(request.user, review_round, candidate):
        messages.error(request, _("You cannot vote on this candidate now."))
        return redirect("review:candidate_detail", pk, cid)
    form = BallotForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "review/candidate_detail.html",
            {
                "round": review_round,
                "candidate": candidate,
                "workstation": candidate.workstation,
                "application": getattr(candidate.workstation, "application", None),
                "can_vote": True,
                "form": form,
            },
        )
    return render(
        request,
        "review/ballot_confirm.html",
        {
            "round": review_round,
            "candidate": candidate,
            "choice": form.cleaned_data["choice"],
            "choices": Choice.choices,
        },
    )


@sensitive_post_parameters("choice")
@never_cache
@role_required(Role.EXPERT)
@require_POST
def ballot_cast(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    review_round, candidate = selectors.get_candidate_for(request.user, pk, cid)
    form = BallotForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose approve, disapprove or abstain."))
        return redirect("review:candidate_detail", pk, cid)
    try:
        code = services.ballot_cast(candidate=candidate, choice=form.cleaned_data["choice"], actor=request.user)
    except services.ReviewError as exc:
        refusal_to_messages(request, exc)
        return redirect("review:candidate_detail", pk, cid)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("review:candidate_detail", pk, cid)
    return render(request, "review/ballot_receipt.html", {"round": review_round, "candidate": candidate, "code": code})


@never_cache
@role_required(Role.EXPERT)
def receipt_check(request: HttpRequest, pk: int) -> HttpResponse:
    review_round = selectors.get_round_for(request.user, pk)
    form = ReceiptForm(request.POST or None)
    result, checked, problems = None, False, []
    # Issue 13: the page tells inclusion (in the box / counted), never the choice; a code of another expert matches
    # nothing and reads like a typo.
    if request.method == "POST" and form.is_valid():
        try:
            result = services.receipt_check(
                review_round=review_round, code=form.cleaned_data["code"], actor=request.user
            )
            checked = True
        except (services.ReviewError, PermissionDenied) as exc:
            problems = getattr(exc, "problems", [str(exc)])
        form = ReceiptForm()  # the code is not echoed back into the page
    return render(
        request,
        "review/receipt_check.html",
        {"round": review_round, "form": form, "result": result, "checked": checked, "problems": problems},
    )
