"""Views for evaluations (Art. 11(1), 11(3)) and rectification (Art. 11(4)2)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import excel
from portal.permissions import get_visible_or_404, role_required
from portal.refusals import refusal_to_form, refusal_to_messages
from portal.roles import CITY_WIDE_ROLES, Role
from portal.uploads import file_response
from workstations.forms.outcomes import (
    EvaluationOpenForm,
    RectificationDecisionForm,
    RectificationReportForm,
    ScoreForm,
)
from workstations.models.evaluations import Evaluation, EvaluationResult, Rectification, RectificationStatus
from workstations.models.self_evaluation import SelfEvaluation
from workstations.sections import row_sections
from workstations.services import evaluations as services_evaluations
from workstations.services import rectifications as services_rectifications
from workstations.services.outcomes import OutcomeRefused
from workstations.views.outcomes import OUTCOME_ROLES

STAFF_VIEW = CITY_WIDE_ROLES


@role_required(*STAFF_VIEW)
def evaluation_list(request: HttpRequest) -> HttpResponse:
    evaluations = Evaluation.objects.visible_to(request.user).order_by("-year", "kind")
    return render(request, "workstations/outcomes/evaluation_list.html", {"evaluations": evaluations})


@role_required(Role.CITY_STAFF)
def evaluation_new(request: HttpRequest) -> HttpResponse:
    form = EvaluationOpenForm(request.POST or None, initial={"year": timezone.localdate().year - 1})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = services_evaluations.evaluation_open(
                year=data["year"],
                kind=data["kind"],
                title=data["title"],
                rubric=data["rubric"],
                excellent_min=data["excellent_min"],
                good_min=data["good_min"],
                pass_min=data["pass_min"],
                early_reason=data["early_reason"],
                actor=request.user,
            )
        except OutcomeRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("Evaluation opened."))
            return redirect("workstations:evaluation", evaluation.pk)
    return render(request, "workstations/outcomes/evaluation_form.html", {"form": form})


def _evaluation(request, pk) -> Evaluation:
    return get_visible_or_404(Evaluation.objects.all(), request.user, pk=pk)


def _results(evaluation):
    return evaluation.results.select_related("workstation", "workstation__host_unit", "workstation__recommender")


@role_required(*STAFF_VIEW)
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    results = row_sections("evaluation_rows", request, list(_results(evaluation)))
    grades = {}
    for r in results:
        if r.grade:
            grades[r.get_grade_display()] = grades.get(r.get_grade_display(), 0) + 1
    return render(
        request,
        "workstations/outcomes/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "results": results,
            "grades": grades,
            "unscored": sum(1 for r in results if not r.grade),
            "can_edit": request.user.has_role(Role.CITY_STAFF) and evaluation.status == Evaluation.Status.OPEN,
        },
    )


@role_required(*STAFF_VIEW)
def evaluation_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Evaluation results as Excel: one row per workstation, one column per rubric item."""
    evaluation = _evaluation(request, pk)
    wb = excel.new_workbook()
    headers = [_("Workstation"), _("Host unit"), _("County")]
    headers += [f"{item['label']}（{item['max']}）" for item in evaluation.rubric]
    headers += [_("Total score"), _("Grade"), _("Award in lieu of subsidy"), _("Award amount (yuan)"), _("Remarks")]
    sheet = excel.Sheet(wb, str(evaluation.year), headers, caption=evaluation.title)
    for r in _results(evaluation):
        sheet.row(
            [r.workstation.name, r.workstation.host_unit.name, str(r.workstation.county or "")]
            + [Decimal(r.scores[item["key"]]) if item["key"] in r.scores else None for item in evaluation.rubric]
            + [
                r.total,
                r.get_grade_display() if r.grade else "",
                _("Yes") if r.award_recommended else "",
                r.award_amount,
                r.remarks,
            ]
        )
    sheet.fit()
    return excel.workbook_response(wb, f"{evaluation.title}.xlsx")


@role_required(Role.CITY_STAFF)
def result_score(request: HttpRequest, pk: int) -> HttpResponse:
    result = get_visible_or_404(
        EvaluationResult.objects.select_related("evaluation", "workstation", "workstation__host_unit"),
        request.user,
        pk=pk,
    )
    evaluation = result.evaluation
    initial = {f"score_{k}": v for k, v in result.scores.items()}
    initial.update(remarks=result.remarks, award_recommended=result.award_recommended, award_amount=result.award_amount)
    form = ScoreForm(request.POST or None, rubric=evaluation.rubric, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services_evaluations.result_score(
                result=result,
                actor=request.user,
                staff_scores=form.staff_scores(),
                remarks=form.cleaned_data["remarks"],
                award_recommended=form.cleaned_data["award_recommended"],
                award_amount=form.cleaned_data["award_amount"],
            )
        except OutcomeRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("Score saved."))
            return redirect("workstations:evaluation", evaluation.pk)
    auto_items = [
        (item, result.scores.get(item["key"]), result.compliance.get(item["key"], {}))
        for item in evaluation.rubric
        if item.get("auto")
    ]
    return render(
        request,
        "workstations/outcomes/result_form.html",
        {
            "result": result,
            "evaluation": evaluation,
            "form": form,
            "auto_items": auto_items,
            "self_eval": SelfEvaluation.objects.filter(result=result)
            .prefetch_related("achievements__evidence")
            .first(),
        },
    )


@role_required(Role.CITY_STAFF)
def evaluation_close(request: HttpRequest, pk: int) -> HttpResponse:
    """结束并发送结果: a confirmation page stating the consequences in numbers and names, then the close on POST."""
    evaluation = _evaluation(request, pk)
    if request.method == "POST":
        try:
            services_evaluations.evaluation_close(evaluation=evaluation, actor=request.user)
        except OutcomeRefused as exc:
            refusal_to_messages(request, exc)
        else:
            messages.success(request, _("Evaluation closed; results sent, rectification ordered for failed results."))
        return redirect("workstations:evaluation", evaluation.pk)
    return render(
        request,
        "workstations/outcomes/evaluation_close.html",
        {"evaluation": evaluation, "preview": services_evaluations.evaluation_close_preview(evaluation)},
    )


@role_required(*STAFF_VIEW)
def rectification_list(request: HttpRequest) -> HttpResponse:
    rects = Rectification.objects.visible_to(request.user).select_related("workstation", "workstation__host_unit")
    return render(request, "workstations/outcomes/rectification_list.html", {"rectifications": rects})


def _rectification(request, pk) -> Rectification:
    if not request.user.has_role(*OUTCOME_ROLES):
        raise Http404
    return get_visible_or_404(
        Rectification.objects.select_related(
            "workstation", "workstation__host_unit", "result__evaluation", "report_file", "decided_by"
        ),
        request.user,
        pk=pk,
    )


@login_required
def rectification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rect = _rectification(request, pk)
    is_host = request.user.has_role(Role.HOST_UNIT)
    is_staff = request.user.has_role(Role.CITY_STAFF)
    report_form = RectificationReportForm(
        request.POST if is_host and request.method == "POST" else None,
        request.FILES if is_host and request.method == "POST" else None,
        initial={"text": rect.report_text},
    )
    decision_form = RectificationDecisionForm(request.POST if is_staff and request.method == "POST" else None)
    if request.method == "POST":
        if is_host and report_form.is_valid():
            try:
                services_rectifications.rectification_report(
                    rectification=rect,
                    actor=request.user,
                    text=report_form.cleaned_data["text"],
                    file=report_form.cleaned_data["file"],
                )
            except OutcomeRefused as exc:
                refusal_to_messages(request, exc)
            else:
                messages.success(request, _("Rectification report filed."))
                return redirect("workstations:rectification", rect.pk)
        elif is_staff and decision_form.is_valid():
            try:
                services_rectifications.rectification_decide(
                    rectification=rect,
                    actor=request.user,
                    passed=decision_form.cleaned_data["passed"],
                    reason=decision_form.cleaned_data["reason"],
                )
            except OutcomeRefused as exc:
                refusal_to_messages(request, exc)
            else:
                messages.success(request, _("Re-evaluation recorded."))
                return redirect("workstations:rectification", rect.pk)
        elif not (is_host or is_staff):
            raise PermissionDenied(_("You may not do this to this workstation."))
    return render(
        request,
        "workstations/outcomes/rectification_detail.html",
        {
            "rect": rect,
            "report_form": report_form if is_host and rect.is_pending else None,
            "decision_form": decision_form if is_staff and rect.status == RectificationStatus.REPORTED else None,
        },
    )


@login_required
def rectification_file(request: HttpRequest, pk: int) -> HttpResponse:
    rect = _rectification(request, pk)
    if rect.report_file is None:
        raise Http404
    return file_response(rect.report_file)
