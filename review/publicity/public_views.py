"""Public pages, no login (Art. 6(4); SPEC §2 "public"): lists, notice, objections, tracking, directory, documents.

Nothing here shows an objector's name or phone. Read-only pages are served through the page cache
(``review.publicity.caching``); the forms are rate-limited per address.
"""

from urllib.parse import urlencode

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.paging import page_size
from portal.refusals import refusal_to_form
from review.publicity import selectors
from review.publicity.caching import cached_public_page, render_refused
from review.publicity.fastpath import public_page
from review.publicity.forms import ObjectionForm, TrackForm
from review.publicity.models import PublicityList
from review.publicity.notice_pdf import notice_context, notice_pdf_response
from review.publicity.objections import ObjectionRefused, objection_file, objection_find
from review.publicity.ratelimit import over_limit

RECEIPT_SESSION_KEY = "objection_receipt"
OBJECTION_LIMIT = (5, 3600)  # attempts per address per hour
TRACK_LIMIT = (30, 3600)


def _get_list(pk: int, *, entries: bool = True) -> PublicityList:
    try:
        return selectors.public_list_detail(pk) if entries else PublicityList.objects.get(pk=pk)
    except PublicityList.DoesNotExist:
        raise Http404(_("No such publicity list.")) from None


def _page_parts(request: HttpRequest) -> list:
    return [_int_param(request, "page") or 1]


def _directory_parts(request: HttpRequest) -> list:
    return [_int_param(request, "county") or "", _int_param(request, "page") or 1]


@public_page()
def list_index(request: HttpRequest) -> HttpResponse:
    def page(extra):
        now = timezone.now()
        lists = list(selectors.public_lists())
        return render(
            request,
            "review/publicity/public_lists.html",
            {
                "current": [pl for pl in lists if pl.is_open(now)],
                "past": [pl for pl in lists if not pl.is_open(now)],
                **extra,
            },
        )

    return cached_public_page(request, page)


@public_page(_page_parts)
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The public notice page, its candidates 50 a page (issue 21) with their total; the print view and the PDF, the
    official notice, list every candidate. Only a valid page number reaches the page cache; any other is a 404, which
    is not cached, and query parameters the page does not read are the same page."""
    number = _int_param(request, "page") or 1

    def page(extra):
        publicity_list = _get_list(pk, entries=False)
        try:
            entries = Paginator(selectors.public_list_entries(publicity_list), page_size()).page(number)
        except InvalidPage:
            raise Http404(_("No such page.")) from None
        context = {
            "publicity_list": publicity_list,
            "page": entries,
            "entries": entries,
            "countdown": selectors.countdown(publicity_list),
            "is_open": publicity_list.is_open(),
        }
        return render(request, "review/publicity/public_list.html", {**context, **extra})

    return cached_public_page(request, page, key_parts=_page_parts(request))


@public_page()
def list_print(request: HttpRequest, pk: int) -> HttpResponse:
    def page(extra):
        return render(request, "review/publicity/public_print.html", {**notice_context(_get_list(pk)), **extra})

    return cached_public_page(request, page)


def list_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    # Rendered by a task when the list is published or changes, and stored; never rendered here (issue 21).
    return notice_pdf_response(request, pk)


@require_http_methods(["GET", "POST"])
def objection_new(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET" and (refused := render_refused(request)) is not None:
        return refused  # the form lists every candidate: a render, under the public rate limit (issue 21)
    publicity_list = _get_list(pk, entries=False)
    context = {"publicity_list": publicity_list, "is_open": publicity_list.is_open()}
    if not context["is_open"]:
        return render(request, "review/publicity/public_objection_form.html", context, status=410)
    if request.method == "POST":
        form = ObjectionForm(request.POST, request.FILES, publicity_list=publicity_list)
        if over_limit(request, scope="objection", limit=OBJECTION_LIMIT[0], period=OBJECTION_LIMIT[1]):
            form.is_valid()
            form.add_error(None, _("Too many objections were sent from your address. Please try again in an hour."))
            return render(request, "review/publicity/public_objection_form.html", {**context, "form": form}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                filed = objection_file(
                    entry=data["entry"],
                    objector_name=data["objector_name"],
                    objector_phone=data["objector_phone"],
                    facts=data["facts"],
                    evidence=data["evidence"],
                    submission_token=data["submission"],
                )
            except ObjectionRefused as exc:
                refusal_to_form(form, exc)
            else:
                # POST → redirect → GET: a reload shows this receipt again and files nothing. The code is kept in the
                # objector's own session only (the database holds its hash), so only this browser sees it again.
                if filed.tracking_code:
                    request.session[RECEIPT_SESSION_KEY] = {
                        "list": publicity_list.pk,
                        "objection": filed.objection.pk,
                        "code": filed.tracking_code,
                        "entry": filed.objection.entry.workstation_name,
                    }
                elif (request.session.get(RECEIPT_SESSION_KEY) or {}).get("objection") != filed.objection.pk:
                    request.session[RECEIPT_SESSION_KEY] = {
                        "list": publicity_list.pk,
                        "objection": filed.objection.pk,
                        "code": "",
                        "entry": filed.objection.entry.workstation_name,
                    }
                return redirect("publicity_public:objection_received", pk=publicity_list.pk)
        if form.files:
            form.add_error("evidence", _("For your security, files are not kept after an error: choose them again."))
    else:
        form = ObjectionForm(publicity_list=publicity_list)
    return render(request, "review/publicity/public_objection_form.html", {**context, "form": form})


def objection_received(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt of a filed objection (the GET after the POST). Reloading it files nothing."""
    publicity_list = _get_list(pk, entries=False)
    receipt = request.session.get(RECEIPT_SESSION_KEY) or {}
    if receipt.get("list") != publicity_list.pk:
        raise Http404(_("No objection was filed from this browser."))
    response = render(
        request,
        "review/publicity/public_objection_filed.html",
        {"publicity_list": publicity_list, "code": receipt.get("code", ""), "entry_name": receipt.get("entry", "")},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def objection_track(request: HttpRequest) -> HttpResponse:
    """Status and the staff's reason, looked up by tracking code (sent by POST so it stays out of logs)."""
    objection = None
    status = 200
    if request.method == "POST":
        form = TrackForm(request.POST)
        if over_limit(request, scope="track", limit=TRACK_LIMIT[0], period=TRACK_LIMIT[1]):
            form.is_valid()
            form.add_error(None, _("Too many look-ups from your address. Please try again in an hour."))
            status = 429
        elif form.is_valid():
            objection = objection_find(form.cleaned_data["code"])
            if objection is None:
                form.add_error("code", _("No objection has this tracking code. Check it and try again."))
    else:
        form = TrackForm()
    response = render(
        request, "review/publicity/public_track.html", {"form": form, "objection": objection}, status=status
    )
    response["Cache-Control"] = "no-store"
    return response


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404(_("No such page."))
    return int(value)


@public_page(_directory_parts)
def directory(request: HttpRequest) -> HttpResponse:
    """The public directory, 50 workstations a page, filtered by county (SPEC §5). Only valid parameters reach the
    page cache; anything else is a 404, which is not cached."""
    county_id = _int_param(request, "county")
    number = _int_param(request, "page") or 1

    def page(extra):
        counties = list(selectors.public_counties())
        county = next((c for c in counties if c.pk == county_id), None)
        if county_id and county is None:
            raise Http404(_("No such county."))
        try:
            workstations = Paginator(selectors.public_directory(county_id), page_size()).page(number)
        except InvalidPage:
            raise Http404(_("No such page.")) from None
        return render(
            request,
            "review/publicity/public_directory.html",
            {
                "page": workstations,
                "counties": counties,
                "county": county,
                "query": urlencode({"county": county_id}) if county_id else "",
                "exits": selectors.public_exits(county_id),
                **extra,
            },
        )

    return cached_public_page(request, page, key_parts=_directory_parts(request))


@public_page()
def documents(request: HttpRequest) -> HttpResponse:
    def page(extra):
        return render(
            request,
            "review/publicity/public_documents.html",
            {"documents": selectors.confirmation_documents(), **extra},
        )

    return cached_public_page(request, page)
