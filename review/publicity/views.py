"""Staff pages of publicity and objections (Art. 6(4)). Thin: permission, form, one service, messages."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.audit import audit_record
from portal.permissions import get_visible_or_404, role_required
from portal.refusals import refusal_to_form
from portal.roles import Role
from portal.uploads import file_response
from portal.workdays.services import CalendarNotCovered, InvalidWindowStart
from review.publicity import selectors
from review.publicity.forms import DEFAULT_INTRO, DecisionForm, InvestigationForm, PublishForm, WithdrawForm
from review.publicity.models import Objection, ObjectionEvidence, PublicityList
from review.publicity.objections import objection_decide, objection_investigate
from review.publicity.services import publicity_close_due, publicity_publish, publicity_withdraw
from workstations.models import State
from workstations.services.lifecycle import TransitionRefused

staff_only = role_required(Role.CITY_STAFF)


@staff_only
def list_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "review/publicity/staff_lists.html",
        {
            "lists": selectors.staff_lists(),
            "to_publish": selectors.candidates_to_publish().count(),
            "open_objections": Objection.objects.unresolved().select_related("entry", "entry__publicity_list")[:50],
        },
    )


@staff_only
def list_publish(request: HttpRequest) -> HttpResponse:
    candidates = selectors.candidates_to_publish()
    uncovered_year = None
    if request.method == "POST":
        form = PublishForm(request.POST, candidates=candidates)
        if form.is_valid():
            data = form.cleaned_data
            try:
                publicity_list = publicity_publish(
                    workstations=list(data["candidates"]),
                    title=data["title"],
                    intro=data["intro"],
                    contact_office=data["contact_office"],
                    contact_phone=data["contact_phone"],
                    contact_address=data["contact_address"],
                    published_at=data["published_at"],
                    first_day=data["first_day"],
                    round_reference=data["round_reference"],
                    website_url=data["website_url"],
                    website_posted_at=data["website_posted_at"],
                    actor=request.user,
                )
            except CalendarNotCovered as exc:
                uncovered_year = exc.year
                form.add_error(None, str(exc))
            except InvalidWindowStart as exc:
                form.add_error("first_day", str(exc))
            except TransitionRefused as exc:
                refusal_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("The list is published: publicity runs from %(first)s to %(last)s.")
                    % {"first": publicity_list.first_day, "last": publicity_list.last_day},
                )
                return redirect("publicity:list_detail", pk=publicity_list.pk)
    else:
        form = PublishForm(
            candidates=candidates,
            initial={
                "candidates": list(candidates),
                "title": _("Publicity of the proposed mentor master workstations"),
                "intro": DEFAULT_INTRO,
                "published_at": timezone.now(),
                "contact_office": "市人力资源和社会保障局就业促进科",
                "contact_phone": "0375-2660000",
                "contact_address": "平顶山市新华区",
            },
        )
    return render(request, "review/publicity/staff_publish.html", {"form": form, "uncovered_year": uncovered_year})


@staff_only
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    publicity_list = get_visible_or_404(PublicityList.objects.all(), request.user, pk=pk)
    objections = (
        Objection.objects.filter(entry__publicity_list=publicity_list).select_related("entry").order_by("-filed_at")
    )
    return render(
        request,
        "review/publicity/staff_list_detail.html",
        {
            "publicity_list": publicity_list,
            "entries": selectors.staff_list_entries(publicity_list),
            "objections": objections,
            "is_open": publicity_list.is_open(),
        },
    )


@staff_only
def list_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Art. 6(4): the confirmation page of a withdrawal, naming the candidates who go back to wait for a new list."""
    publicity_list = get_visible_or_404(PublicityList.objects.all(), request.user, pk=pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            publicity_withdraw(publicity_list=publicity_list, reason=form.cleaned_data["reason"], actor=request.user)
        except TransitionRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("The list is withdrawn; the public page shows the reason."))
            return redirect("publicity:list_detail", pk=publicity_list.pk)
    entries = list(publicity_list.entries.select_related("workstation").order_by("position"))
    returning = [e for e in entries if e.workstation.state in (State.IN_PUBLICITY, State.PUBLICITY_CLEARED)]
    open_objections = Objection.objects.filter(
        entry__publicity_list=publicity_list, status__in=Objection.UNRESOLVED
    ).count()
    return render(
        request,
        "review/publicity/staff_withdraw.html",
        {
            "publicity_list": publicity_list,
            "form": form,
            "returning": returning,
            "open_objections": open_objections,
        },
    )


@staff_only
@require_POST
def close_now(request: HttpRequest) -> HttpResponse:
    """Run the closing job now (it runs on its own every hour); safe at any time."""
    report = publicity_close_due()
    messages.info(
        request,
        _("%(cleared)d candidate(s) cleared; %(waiting)d waiting for objections to be decided.")
        % {"cleared": len(report.cleared), "waiting": len(report.waiting)},
    )
    return redirect("publicity:index")


def _objection_context(objection, **extra):
    return {
        "objection": objection,
        "evidence": objection.evidence.select_related("file"),
        "investigation_form": extra.pop("investigation_form", None)
        or InvestigationForm(initial={"investigation": objection.investigation}),
        "decision_form": extra.pop("decision_form", None) or DecisionForm(),
        **extra,
    }


def _get_objection(request, pk):
    return get_visible_or_404(
        Objection.objects.select_related("entry", "entry__publicity_list", "entry__workstation"), request.user, pk=pk
    )


@staff_only
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objection = _get_objection(request, pk)
    return render(request, "review/publicity/staff_objection.html", _objection_context(objection))


@staff_only
@require_POST
def objection_reveal_phone(request: HttpRequest, pk: int) -> HttpResponse:
    """The full number is shown on request only, and the request is recorded (PIPL: need to know)."""
    objection = _get_objection(request, pk)
    audit_record(actor=request.user, action="objection.reveal_phone", obj=objection)
    return render(request, "review/publicity/staff_objection.html", _objection_context(objection, full_phone=True))


@staff_only
@require_POST
def objection_investigate_view(request: HttpRequest, pk: int) -> HttpResponse:
    objection = _get_objection(request, pk)
    form = InvestigationForm(request.POST)
    if form.is_valid():
        try:
            objection_investigate(
                objection=objection, investigation=form.cleaned_data["investigation"], actor=request.user
            )
        except TransitionRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("The investigation record is saved."))
            return redirect("publicity:objection_detail", pk=objection.pk)
    return render(
        request, "review/publicity/staff_objection.html", _objection_context(objection, investigation_form=form)
    )


@staff_only
@require_POST
def objection_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    objection = _get_objection(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid() and request.POST.get("confirmed") != "1":
        upheld = form.cleaned_data["decision"] == "upheld"
        entry = objection.entry
        others = entry.unresolved_objections().exclude(pk=objection.pk).count()
        return render(
            request,
            "review/publicity/staff_objection_confirm.html",
            {
                "objection": objection,
                "form": form,
                "upheld": upheld,
                "entry": entry,
                "others": others,
                "window_open": entry.publicity_list.is_open(),
                "missing_investigation": not objection.investigation.strip(),
            },
        )
    if form.is_valid():
        try:
            objection_decide(
                objection=objection,
                upheld=form.cleaned_data["decision"] == "upheld",
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except TransitionRefused as exc:
            refusal_to_form(form, exc)
        else:
            messages.success(request, _("The objection is decided; the objector can read the reason."))
            return redirect("publicity:objection_detail", pk=objection.pk)
    return render(request, "review/publicity/staff_objection.html", _objection_context(objection, decision_form=form))


@staff_only
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    objection = _get_objection(request, pk)
    evidence = get_object_or_404(ObjectionEvidence.objects.select_related("file"), pk=evidence_pk, objection=objection)
    if evidence.file is None:
        raise Http404
    return file_response(evidence.file)
