"""Host-unit views: start, the guided steps, mentors, materials, submission, the PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import channels, documents, forms, selectors, services, vetting
from applications.models import Call, Material, Mentor
from applications.terms import EDITABLE_STATES
from applications.views.steps import STEP_BY_SLUG, STEPS, next_step
from portal.http import safe_next
from portal.paging import page_of
from portal.permissions import get_visible_or_404, role_required
from portal.refusals import refusal_to_messages
from portal.roles import Role
from portal.uploads import file_response
from workstations.models import State
from workstations.selectors.lifecycle import timeline_for
from workstations.services.lifecycle import TransitionRefused, available_transitions


def _own_editable(request, pk: int):
    application = selectors.get_application_for(request.user, pk)
    if request.user.role != Role.HOST_UNIT:
        raise PermissionDenied(_("Only the host unit edits its application."))
    return application


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.application_list_for(request.user)
    state = request.GET.get("state", "")
    if state in State.values:
        qs = qs.filter(workstation__state=state)
    return render(
        request,
        "applications/application_list.html",
        {
            "applications": (page := page_of(request, qs)),
            "page": page,
            "state": state,
            "open_calls": Call.objects.open_on(),
        },
    )


@role_required(Role.HOST_UNIT)
@require_POST
def application_start(request: HttpRequest, call_pk: int) -> HttpResponse:
    call = get_visible_or_404(Call.objects.all(), request.user, pk=call_pk)
    before = set(selectors.application_list_for(request.user).filter(call=call).values_list("pk", flat=True))
    try:
        application = services.application_start(call=call, actor=request.user)
    except TransitionRefused as exc:
        refusal_to_messages(request, exc)
        return redirect("applications:call_detail", call.pk)
    if application.pk in before:
        messages.info(request, _("Your empty draft in this call is opened again; no second draft was made."))
    else:
        messages.success(request, _("Your application is started. It is saved after every step."))
    return redirect("applications:step", application.pk, STEPS[0].slug)


@role_required(Role.HOST_UNIT)
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a draft that was never submitted, after a confirmation that says what is lost."""
    application = _own_editable(request, pk)
    if application.workstation.state != State.DRAFT or application.snapshots.exists():
        messages.warning(request, _("Only a draft that was never submitted can be withdrawn."))
        return redirect("applications:detail", application.pk)
    if request.method == "POST":
        try:
            services.application_withdraw_draft(application=application, actor=request.user)
        except TransitionRefused as exc:
            refusal_to_messages(request, exc)
            return redirect("applications:detail", application.pk)
        messages.success(request, _("The draft is withdrawn."))
        return redirect("applications:list")
    return render(request, "applications/withdraw_confirm.html", {"application": application})


def _snapshot_diff(application):
    """The clerk's view of a resubmission: what changed since the version before (issue 16 item 3)."""
    from applications.changes import snapshot_diff

    versions = list(application.snapshots.order_by("-version")[:2])
    if len(versions) < 2:
        return None
    return {"old": versions[1], "new": versions[0], "rows": snapshot_diff(versions[1].data, versions[0].data)}


def _last_reason(application, transition: str) -> str:
    log = application.workstation.transitions.filter(transition=transition).order_by("-at", "-id").first()
    return log.reason if log else ""


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for_display(selectors.get_application_for(request.user, pk))
    user = request.user
    state = application.workstation.state
    context = {
        "application": application,
        "shown": application.shown,
        "timeline": timeline_for(application.workstation),
        "transitions": [t.name for t in available_transitions(application.workstation, user)],
        "steps": STEPS,
        "reason_form": forms.ReasonForm(),
    }
    if user.role == Role.HOST_UNIT and application.is_editable:
        context["problems"] = application.submission_problems() + application.call_problems()
        context["can_withdraw"] = state == State.DRAFT and not application.snapshots.exists()
    if user.role == Role.HOST_UNIT and state == State.RETURNED:
        context["return_reason"] = _last_reason(application, "return_for_revision")
    if state in (State.NOT_RECOMMENDED, State.INELIGIBLE):
        context["final_reason"] = _last_reason(
            application, "decline" if state == State.NOT_RECOMMENDED else "rule_ineligible"
        )
    if user.role == Role.RECOMMENDER:
        context["quota"] = selectors.quota_line_for(application.call, user.organisation_id)
        context["recommend_form"] = forms.RecommendForm()
        context["recommendation_problems"] = application.recommendation_problems()
    if user.role in (Role.RECOMMENDER, Role.CITY_STAFF, Role.SUPERVISOR):
        context["diff"] = _snapshot_diff(application)
    if user.role in (Role.CITY_STAFF, Role.SUPERVISOR) or (
        user.role == Role.HOST_UNIT and application.site_visits.exists()
    ):
        context["site_visits"] = application.site_visits.prefetch_related("photos__file").select_related("recorded_by")
    if user.role == Role.CITY_STAFF and state in vetting.SITE_VISIT_STATES:
        context["site_visit_form"] = forms.SiteVisitForm(initial={"visited_on": timezone.localdate()})
        context["qualification_problems"] = application.qualification_problems()
        context["show_qualification"] = True
    return render(request, "applications/application_detail.html", context)


@login_required
def application_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    application = _own_editable(request, pk)
    current = STEP_BY_SLUG.get(step)
    if current is None:
        raise Http404(_("No such step."))
    if not application.is_editable:
        messages.warning(request, _("This application can no longer be changed."))
        return redirect("applications:detail", application.pk)
    kwargs = {"instance": application}
    if current.slug == "recommender":
        kwargs["recommenders"] = channels.recommender_choices(application.host_unit, application.call)
    data = request.POST if request.method == "POST" else None
    if current.form_class is None:
        form = forms.staff_formset(data, instance=application)
    else:
        form = current.form_class(data, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            if current.form_class is None:
                services.application_save_staff(application=application, formset=form, actor=request.user)
            else:
                services.application_save_step(application=application, form=form, actor=request.user)
        except TransitionRefused as exc:
            refusal_to_messages(request, exc)
            return redirect("applications:detail", application.pk)
        messages.success(request, _("Saved: %(step)s.") % {"step": current.title})
        following = next_step(current.slug)
        if "stay" in request.POST or following is None:
            # After the last step come the materials (Art. 7(3)), then the check and submission.
            target = (
                reverse("applications:step", args=[application.pk, current.slug])
                if "stay" in request.POST
                else reverse("applications:materials", args=[application.pk])
            )
            return redirect(target)
        return redirect("applications:step", application.pk, following.slug)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST":
        messages.error(request, _("Please correct the marked fields; nothing you typed has been lost."))
    return render(
        request,
        "applications/application_step.html",
        {
            "application": application,
            "step": current,
            "steps": STEPS,
            "form": form,
            "is_formset": current.form_class is None,
            "next_step": next_step(current.slug),
        },
        status=status,
    )


@role_required(Role.HOST_UNIT)
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what will be sent, and what still blocks it; POST: submit (the confirmation step of an irreversible act)."""
    application = selectors.application_for_display(_own_editable(request, pk))
    if request.method == "POST":
        try:
            services.application_submit(application=application, actor=request.user)
        except TransitionRefused as exc:
            refusal_to_messages(request, exc)
            return redirect("applications:submit", application.pk)
        messages.success(request, _("Submitted to %(rec)s.") % {"rec": application.recommender})
        return redirect("applications:detail", application.pk)
    if not application.is_editable:
        return redirect("applications:detail", application.pk)
    return render(
        request,
        "applications/submit_confirm.html",
        {
            "application": application,
            "problems": application.submission_problems() + application.call_problems(),
            "version": application.snapshots.count() + 1,
        },
    )


@login_required
def application_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The 申报表: a submitted version's stored PDF (rendered once); a draft's rendered now, marked as a draft."""
    from applications.documents import application_form_pdf
    from portal.pdf import pdf_response, stored_pdf_response

    application = selectors.get_application_for(request.user, pk)
    filename = f"申报表-{application.workstation.name}.pdf"
    snapshot = application.latest_snapshot
    if snapshot is not None and application.workstation.state not in EDITABLE_STATES:
        # A submitted version: its stored file (rendered once, by the task or by this first download).
        if not snapshot.pdf:
            snapshot = documents.snapshot_pdf_store(snapshot.pk)
        return stored_pdf_response(snapshot.pdf, filename)
    application = selectors.application_for_display(application)
    return pdf_response(application_form_pdf(application), filename)


@login_required
def snapshot_file(request: HttpRequest, pk: int, version: int, file_pk: int) -> HttpResponse:
    """A material exactly as it was submitted in ``version`` (the stored version the snapshot names)."""
    from portal.uploads import StoredFile

    application = selectors.get_application_for(request.user, pk)
    snapshot = application.snapshots.filter(version=version).first()
    if snapshot is None or file_pk not in snapshot.file_ids():
        raise Http404(_("Not found, or not yours to see."))
    return file_response(StoredFile.objects.get(pk=file_pk))


# --- mentors ------------------------------------------------------------------------------------------------------


@role_required(Role.HOST_UNIT)
def mentor_list(request: HttpRequest) -> HttpResponse:
    mentors = (
        Mentor.objects.visible_to(request.user)
        .annotate(n_applications=Count("applications", distinct=True))
        .order_by("name")
    )
    return render(request, "applications/mentor_list.html", {"mentors": mentors})


@role_required(Role.HOST_UNIT)
def mentor_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    mentor = get_visible_or_404(Mentor.objects.all(), request.user, pk=pk) if pk else Mentor()
    form = forms.MentorForm(request.POST or None, instance=mentor, host_unit=request.user.organisation)
    back = safe_next(request, "applications:mentor_list")
    if request.method == "POST" and form.is_valid():
        mentor = form.save(commit=False)
        services.mentor_save(
            mentor=mentor,
            id_number=form.cleaned_data["id_number_input"] or mentor.id_number,
            actor=request.user,
        )
        messages.success(request, _("Mentor %(name)s saved.") % {"name": mentor.name})
        return redirect(back)
    return render(request, "applications/mentor_form.html", {"form": form, "mentor": mentor, "back": back})


# --- materials (Art. 7(3)) ----------------------------------------------------------------------------------------


@login_required
def material_list(request: HttpRequest, pk: int) -> HttpResponse:
    application = selectors.application_for_display(selectors.get_application_for(request.user, pk))
    can_edit = request.user.role == Role.HOST_UNIT and application.is_editable
    form = forms.MaterialForm(application=application)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Only the host unit adds materials, while the application is open."))
        form = forms.MaterialForm(request.POST, request.FILES, application=application)
        if form.is_valid():
            try:
                vetting.material_add(
                    application=application,
                    mentor=form.cleaned_data["mentor"],
                    kind=form.cleaned_data["kind"],
                    level=form.cleaned_data.get("level") or "",
                    title=form.cleaned_data["title"],
                    uploaded=form.cleaned_data["upload"],
                    actor=request.user,
                )
            except TransitionRefused as exc:
                refusal_to_messages(request, exc)
            else:
                messages.success(request, _("Uploaded: %(title)s.") % {"title": form.cleaned_data["title"]})
            return redirect("applications:materials", application.pk)
    return render(
        request,
        "applications/material_list.html",
        {
            "application": application,
            "form": form,
            "can_edit": can_edit,
            "replace_form": forms.ReplaceForm(),
            "steps": STEPS,
            "shown": application.shown,
            "missing": application.missing_materials() if can_edit else [],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@role_required(Role.HOST_UNIT)
@require_POST
def material_replace(request: HttpRequest, pk: int, material_pk: int) -> HttpResponse:
    application = _own_editable(request, pk)
    material = selectors.get_material_for(request.user, application, material_pk)
    form = forms.ReplaceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            vetting.material_replace(material=material, uploaded=form.cleaned_data["upload"], actor=request.user)
        except TransitionRefused as exc:
            refusal_to_messages(request, exc)
        else:
            messages.success(request, _("A new version of “%(title)s” is stored.") % {"title": material.title})
    else:
        for error in form.errors.get("upload", []):
            messages.error(request, error)
    return redirect("applications:materials", application.pk)


@role_required(Role.HOST_UNIT)
@require_POST
def material_remove(request: HttpRequest, pk: int, material_pk: int) -> HttpResponse:
    application = _own_editable(request, pk)
    material = selectors.get_material_for(request.user, application, material_pk)
    try:
        vetting.material_remove(material=material, actor=request.user)
    except TransitionRefused as exc:
        refusal_to_messages(request, exc)
    return redirect("applications:materials", application.pk)


@login_required
def material_download(request: HttpRequest, pk: int, material_pk: int, version_pk: int | None = None) -> HttpResponse:
    """Served only after the user is authorised for the application (a guessed URL is a 404)."""
    application = selectors.get_application_for(request.user, pk)
    material = selectors.get_material_for(request.user, application, material_pk)
    stored = material.file
    if version_pk is not None:
        stored = next((v for v in material.file.versions() if v.pk == version_pk), None)
        if stored is None:
            raise Http404(_("Not found, or not yours to see."))
    if material.kind == Material.Kind.ID_CARD:  # issue 13: every download of an ID-card image is audited
        from portal.audit import audit_record

        audit_record(
            actor=request.user,
            action="applications.id_card_download",
            obj=material,
            after={"application": application.pk, "version": version_pk},
            ip=request.META.get("REMOTE_ADDR"),
        )
    return file_response(stored)
