"""Art. 11(3): the host unit's self-evaluation and achievements; the round's cap and award bands (staff)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.permissions import get_visible_or_404, role_required
from portal.refusals import refusal_to_form
from portal.roles import Role
from portal.uploads import file_response
from workstations.forms.self_evaluation import AchievementFormSet, RoundPolicyForm, SelfEvaluationForm
from workstations.models.evaluations import Evaluation, EvaluationResult
from workstations.models.self_evaluation import Achievement, RoundPolicy, SelfEvaluation
from workstations.services.outcomes import OutcomeRefused
from workstations.services.self_evaluation import AchievementInput, round_policy_set, self_evaluation_submit
from workstations.views.outcomes import OUTCOME_ROLES


@role_required(Role.HOST_UNIT)
def self_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_visible_or_404(
        EvaluationResult.objects.select_related("evaluation", "workstation"), request.user, pk=pk
    )
    form = SelfEvaluationForm(request.POST or None)
    formset = AchievementFormSet(request.POST or None, request.FILES or None, prefix="a")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            self_evaluation_submit(
                result=result,
                actor=request.user,
                self_total=form.cleaned_data["self_total"],
                summary=form.cleaned_data["summary"],
                achievements=[
                    AchievementInput(
                        f.cleaned_data.get("title", ""),
                        f.cleaned_data.get("description", ""),
                        f.cleaned_data.get("evidence"),
                    )
                    for f in formset
                    if f.cleaned_data
                ],
            )
        except OutcomeRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("Your self-evaluation has been filed."))
            return redirect("workstations:outcomes", result.workstation_id)
    current = SelfEvaluation.objects.filter(result=result).prefetch_related("achievements").first()
    return render(
        request,
        "workstations/selfeval/form.html",
        {"result": result, "form": form, "formset": formset, "current": current},
    )


@role_required(*OUTCOME_ROLES)
def achievement_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    achievement = Achievement.objects.select_related("self_evaluation", "evidence").filter(pk=pk).first()
    if (
        achievement is None
        or not SelfEvaluation.objects.visible_to(request.user).filter(pk=achievement.self_evaluation_id).exists()
    ):
        raise Http404(_("Not found, or not yours to see."))
    return file_response(achievement.evidence)


@role_required(Role.CITY_STAFF)
def round_policy(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_visible_or_404(Evaluation.objects.all(), request.user, pk=pk)
    policy = RoundPolicy.objects.filter(evaluation=evaluation).first()
    initial = {}
    if policy:
        initial = {
            "excellent_cap_percent": policy.excellent_cap_percent,
            "award_bands": "\n".join(f"{b['min_total']}={b['amount']}" for b in policy.award_bands),
        }
    form = RoundPolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            round_policy_set(evaluation=evaluation, actor=request.user, **form.cleaned_data)
        except OutcomeRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("workstations:evaluation", evaluation.pk)
    return render(request, "workstations/selfeval/policy.html", {"evaluation": evaluation, "form": form})
