"""Every write of the applications app (Art. 5–7 and 6(1)–(2)). Views call these; nothing else writes."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.channels import recommender_choices
from applications.models import (
    Application,
    ApplicationSnapshot,
    Call,
    Material,
    Mentor,
    Quota,
)
from applications.terms import QUOTA_STATES, REPORT_SECTIONS, STATEMENTS
from portal import aggregates
from portal.audit import audit_record
from portal.crypto import blind_index
from portal.documents.models import DocumentNumber
from portal.documents.services import number_register_text
from portal.measures.selectors import measures_in_force
from portal.models import User
from portal.notifications import notify_organisation
from portal.permissions import require_role
from portal.roles import Role
from portal.uploads import store_upload
from workstations.models import State, Workstation
from workstations.services.lifecycle import TransitionRefused, workstation_create, workstation_transition


class ApplicationLocked(TransitionRefused):
    """The host unit may not change the application now (submitted, or the call closed)."""


# --- calls (Art. 6(1)) --------------------------------------------------------------------------------------------


def call_save(*, call: Call, quotas: dict[int, int], actor: User) -> Call:
    """Art. 6(1): the city bureau issues a call with its conditions, dates, grant and a quota per recommender.

    The call's document number is the one the office assigned; it is registered in its series so that no other
    document takes it (``DocumentRefused`` when it is already used or does not read as a number).
    """
    require_role(actor, Role.CITY_STAFF)
    with transaction.atomic():
        if call.pk is None:
            call.created_by = actor
        call.full_clean()
        previous = Call.objects.filter(pk=call.pk).values_list("document_number", flat=True).first()
        if call.document_number != previous:
            number_register_text(kind="call", number=call.document_number, actor=actor)
            if previous:
                DocumentNumber.objects.filter(number=previous, kind="call").delete()
        call.save()
        for recommender_id, places in quotas.items():
            if places:
                Quota.objects.update_or_create(call=call, recommender_id=recommender_id, defaults={"places": places})
            else:
                Quota.objects.filter(call=call, recommender_id=recommender_id).delete()
    return call


def call_close(*, call: Call, actor: User) -> Call:
    """Close the call early: from now on no application is submitted and drafts are locked."""
    require_role(actor, Role.CITY_STAFF)
    Call.objects.filter(pk=call.pk, closed_at__isnull=True).update(closed_at=timezone.now())
    call.refresh_from_db()
    return call


# --- mentors ------------------------------------------------------------------------------------------------------


def mentor_save(*, mentor: Mentor, id_number: str, actor: User) -> Mentor:
    """A mentor record of the host unit, reusable in later calls; the ID number is kept encrypted."""
    require_role(actor, Role.HOST_UNIT)
    if mentor.pk is None:
        mentor.host_unit = actor.organisation
    elif mentor.host_unit_id != actor.organisation_id:
        raise PermissionDenied(_("This belongs to another organisation."))
    mentor.set_id_number(id_number)
    mentor.save()
    return mentor


def mentor_id_taken(*, host_unit, id_number: str, exclude_pk: int | None = None) -> bool:
    qs = Mentor.objects.filter(host_unit=host_unit, id_number_index=blind_index(id_number.strip().upper()))
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


# --- the application ------------------------------------------------------------------------------------------------


def _is_empty(application: Application) -> bool:
    """A draft nobody has filled in yet: no team, no staff, no materials, no statements or report."""
    texts = [name for name, _label in REPORT_SECTIONS + STATEMENTS] + ["unit_profile", "site_address", "equipment"]
    return (
        application.workstation.state == State.DRAFT
        and application.lead_mentor_id is None
        and not application.mentors.exists()
        and not application.staff.exists()
        and not application.materials.exists()
        and not any(getattr(application, name).strip() for name in texts)
    )


def application_start(*, call: Call, actor: User) -> Application:
    """A host unit starts an application: the workstation row is born here, as a draft (SPEC §3).

    Clicking "开始申报" again resumes the unit's empty draft in this call instead of making another one; the host
    unit's row is locked first, so two clicks at once still leave one draft.
    """
    from portal.models import Organisation

    require_role(actor, Role.HOST_UNIT)
    if not call.is_open():
        raise TransitionRefused([_("This call is not open for applications.")])
    with transaction.atomic():
        host = Organisation.objects.select_for_update().get(pk=actor.organisation_id)  # type: ignore[misc]  # a host unit user
        drafts = (
            Application.objects.select_related("workstation")
            .filter(call=call, workstation__host_unit=host, workstation__state=State.DRAFT)
            .order_by("id")
        )
        for draft in drafts:
            if _is_empty(draft):
                return draft
        workstation = workstation_create(host_unit=host)
        application = Application.objects.create(
            workstation=workstation,
            call=call,
            recommender=host.county,
            host_type=host.host_type,
            address=host.address,
            contact_person=host.contact_person,
            contact_phone=host.contact_phone,
        )
    return application


def application_withdraw_draft(*, application: Application, actor: User) -> None:
    """Withdraw a draft that was never submitted: the draft and its workstation row go, the uploaded files stay
    stored (deleting evidence is never done here). A returned application is not a draft: it stays on record."""
    require_role(actor, Role.HOST_UNIT)
    if application.workstation.host_unit_id != actor.organisation_id:
        raise PermissionDenied(_("This belongs to another organisation."))
    with transaction.atomic():
        workstation = Workstation.objects.select_for_update().get(pk=application.workstation_id)
        if workstation.state != State.DRAFT or application.snapshots.exists():
            raise TransitionRefused([_("Only a draft that was never submitted can be withdrawn.")])
        audit_record(
            actor=actor,
            action="application.withdraw_draft",
            obj=workstation,
            before={"application": application.pk, "call": application.call_id, "lead": workstation.lead_mentor_name},
        )
        Material.objects.filter(application=application).delete()
        application.delete()
        workstation.delete()


def check_editable(application: Application, actor: User) -> None:
    require_role(actor, Role.HOST_UNIT)
    if application.workstation.host_unit_id != actor.organisation_id:
        raise PermissionDenied(_("This belongs to another organisation."))
    if not application.is_editable:
        raise ApplicationLocked(
            [_("This application can no longer be changed: it has been submitted or the call is closed.")]
        )


def _sync_workstation(application: Application) -> None:
    """The workstation carries the lead mentor's name (Art. 6(5)) and the recommender; its state is not touched."""
    Workstation.objects.filter(pk=application.workstation_id).update(
        lead_mentor_name=application.lead_mentor.name if application.lead_mentor else "",
        recommender_id=application.recommender_id,
        updated_at=timezone.now(),
    )
    aggregates.bump(aggregates.WORKSTATIONS)  # update() sends no signal: the whole-city counts follow the recommender


def application_save_step(*, application: Application, form, actor: User) -> Application:
    """Save one step of the guided form (a valid ModelForm bound to ``application``) into the draft."""
    check_editable(application, actor)
    if "recommender" in form.cleaned_data:
        chosen = form.cleaned_data["recommender"]
        if (
            chosen is not None
            and not recommender_choices(application.host_unit, application.call).filter(pk=chosen.pk).exists()
        ):
            raise TransitionRefused([_("%(rec)s cannot recommend this host unit in this call.") % {"rec": chosen}])
    with transaction.atomic():
        saved = form.save()
        if application.lead_mentor_id and not application.mentors.filter(pk=application.lead_mentor_id).exists():
            # The lead is also a mentor of the workstation, so that one list of people holds everybody.
            application.mentors.add(application.lead_mentor_id)
        _sync_workstation(saved)
    return saved


def application_save_staff(*, application: Application, formset, actor: User) -> None:
    check_editable(application, actor)
    with transaction.atomic():
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for order, obj in enumerate(instances):
            obj.application = application
            obj.order = order
            obj.save()


def host_link(application: Application) -> str:
    return reverse("applications:detail", args=[application.pk])


def application_submit(*, application: Application, actor: User) -> Application:
    """Art. 6(2): the host unit submits (or resubmits) to its recommender; refused while anything blocks it.

    What is submitted is frozen in a new :class:`ApplicationSnapshot` (version 1, 2, … after each return); its
    申报表 PDF is rendered once after the commit and stored.
    """
    from applications.declared import snapshot_data

    transition = "resubmit" if application.workstation.state == State.RETURNED else "submit"
    with transaction.atomic():
        workstation_transition(workstation=application.workstation_id, transition=transition, actor=actor)
        now = timezone.now()
        # Art. 5 as the measures' numbers in force today (portal.measures): recorded with the submission.
        measures = measures_in_force(timezone.localdate())
        Application.objects.filter(pk=application.pk).update(submitted_at=now, measures_version=measures.version_id)
        application.refresh_from_db()
        application.workstation.refresh_from_db()
        version = (application.snapshots.aggregate(m=Max("version"))["m"] or 0) + 1
        snapshot = ApplicationSnapshot.objects.create(
            application=application,
            version=version,
            submitted_at=now,
            submitted_by=actor,
            data=snapshot_data(application),
        )
        name = application.workstation.name
        notify_organisation(
            organisation=application.recommender,
            message="application.new" if version == 1 else "application.resubmitted",
            params={"name": name, "v": version, "unit": str(application.host_unit), "call": str(application.call)},
            url=host_link(application),
        )
        notify_organisation(
            organisation=application.host_unit,
            message="application.submitted",
            params={"name": name, "rec": str(application.recommender)},
            url=host_link(application),
        )
        transaction.on_commit(lambda: _send_render(snapshot.pk))
    return application


def _send_render(snapshot_id: int) -> None:
    from applications.tasks import render_application_form

    render_application_form.delay(snapshot_id)


def decide(application: Application, *, transition: str, actor: User, reason: str, message: str) -> Application:
    with transaction.atomic():
        workstation_transition(
            workstation=application.workstation_id, transition=transition, actor=actor, reason=reason
        )
        application.refresh_from_db()
        application.workstation.refresh_from_db()
        notify_organisation(
            organisation=application.host_unit,
            message=message,
            params={"name": application.workstation.name},
            text=reason,
            url=host_link(application),
        )
    return application


def application_return(*, application: Application, actor: User, reason: str) -> Application:
    """Art. 6(2): the recommender sends it back for revision, with a reason."""
    return decide(
        application,
        transition="return_for_revision",
        actor=actor,
        reason=reason,
        message="application.returned",
    )


def application_decline(*, application: Application, actor: User, reason: str) -> Application:
    """Art. 6(2): the recommender does not select it, with a reason."""
    return decide(
        application,
        transition="decline",
        actor=actor,
        reason=reason,
        message="application.declined",
    )


def quota_used(*, call: Call, recommender_id: int | None) -> int:
    return Application.objects.filter(
        call=call, workstation__recommender_id=recommender_id, workstation__state__in=QUOTA_STATES
    ).count()


def application_recommend(*, application: Application, actor: User, opinion: str = "", letter=None) -> Application:
    """Art. 6(2): the recommender selects a candidate within its quota, with its opinion (推荐意见) and optionally
    its stamped letter; it takes the next rank. Refused after the call's recommendation deadline.

    The quota row is locked first (then the workstation, inside the transition), so two clerks recommending at the
    same moment are serialised and the second sees the first one's place as used.
    """
    if not opinion.strip():
        raise TransitionRefused([_("Write the recommendation opinion (推荐意见).")])
    with transaction.atomic():
        quota = (
            Quota.objects.select_for_update()
            .filter(call_id=application.call_id, recommender_id=application.workstation.recommender_id)
            .first()
        )
        places = quota.places if quota else 0
        used = quota_used(call=application.call, recommender_id=application.workstation.recommender_id)
        if used >= places:
            raise TransitionRefused(
                [_("The quota is used up: %(used)d of %(places)d places.") % {"used": used, "places": places}]
            )
        workstation_transition(workstation=application.workstation_id, transition="recommend", actor=actor)
        top = Application.objects.filter(
            call_id=application.call_id,
            workstation__recommender_id=application.workstation.recommender_id,
            workstation__state__in=QUOTA_STATES,
        ).aggregate(m=Max("rank"))["m"]
        stored = store_upload(uploaded=letter, actor=actor) if letter else None
        Application.objects.filter(pk=application.pk).update(
            rank=(top or 0) + 1,
            recommended_at=timezone.now(),
            recommendation_opinion=opinion.strip(),
            recommendation_letter=stored,
        )
        application.refresh_from_db()
        application.workstation.refresh_from_db()
        notify_organisation(
            organisation=application.host_unit,
            message="application.recommended",
            params={
                "name": application.workstation.name,
                "rec": str(application.workstation.recommender),
                "rank": application.rank,
            },
            url=host_link(application),
        )
    return application


def application_move_rank(*, application: Application, up: bool, actor: User) -> None:
    """The recommender orders its recommended candidates (1 = first choice) by swapping neighbours."""
    require_role(actor, Role.RECOMMENDER)
    if application.workstation.recommender_id != actor.organisation_id:
        raise PermissionDenied(_("This belongs to another organisation."))
    with transaction.atomic():
        list(
            Quota.objects.select_for_update().filter(call_id=application.call_id, recommender_id=actor.organisation_id)
        )
        ranked = list(
            Application.objects.select_for_update()
            .filter(
                call_id=application.call_id,
                workstation__recommender_id=actor.organisation_id,
                workstation__state=State.RECOMMENDED,
                rank__isnull=False,
            )
            .order_by("rank", "id")
        )
        ids = [a.pk for a in ranked]
        if application.pk not in ids:
            raise TransitionRefused([_("Only recommended candidates still on the list can be reordered.")])
        i = ids.index(application.pk)
        j = i - 1 if up else i + 1
        if 0 <= j < len(ranked):
            ranked[i].rank, ranked[j].rank = ranked[j].rank, ranked[i].rank
            for app in (ranked[i], ranked[j]):
                Application.objects.filter(pk=app.pk).update(rank=app.rank)
