"""The review-results page and the results sheet downloads (Art. 6(3))."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal.excel import workbook_response
from portal.pdf import pdf_response
from portal.permissions import role_required
from portal.roles import Role
from review import exports, selectors


def _closed_round(request, pk):
    review_round = selectors.get_round_for(request.user, pk)
    if not review_round.is_closed:
        raise Http404(_("The results are shown once the round is closed."))
    return review_round, selectors.candidates_of(review_round)


@role_required(Role.CITY_STAFF, Role.SUPERVISOR, Role.EXPERT)
def round_results(request: HttpRequest, pk: int) -> HttpResponse:
    review_round, candidates = _closed_round(request, pk)
    return render(request, "review/results.html", exports.results_context(review_round, candidates))


@role_required(Role.CITY_STAFF, Role.SUPERVISOR)
def round_results_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    review_round, candidates = _closed_round(request, pk)
    return workbook_response(exports.results_workbook(review_round, candidates), f"票决结果表-{review_round.pk}.xlsx")


@role_required(Role.CITY_STAFF, Role.SUPERVISOR)
def round_results_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    review_round, candidates = _closed_round(request, pk)
    return pdf_response(exports.results_pdf(review_round, candidates), f"票决结果表-{review_round.pk}.pdf")
