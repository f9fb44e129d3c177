"""The materials of an application (Art. 7(3)) and the city's qualification check (资格审查) with its site visits.

Every write here goes through the same guards as ``applications.services``: the host unit changes materials only
while the application is editable; the recommender checks originals of its own submitted candidates; city staff
qualify, rule ineligible and record visits.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Material, Mentor, SiteVisit, SiteVisitPhoto
from applications.services import check_editable, decide, host_link
from portal.audit import audit_record
from portal.models import User
from portal.notifications import notify_organisation
from portal.permissions import require_role
from portal.roles import Role
from portal.uploads import store_upload
from workstations.models import State
from workstations.services.lifecycle import TransitionRefused

# --- materials (Art. 7(3)) ----------------------------------------------------------------------------------------


def material_add(
    *, application: Application, mentor: Mentor | None, kind: str, title: str, uploaded, actor: User, level: str = ""
) -> Material:
    """Store an uploaded scan privately and attach it to the application (and to a person when given).

    An ID card, certificate, award or honour belongs to one of the application's mentors; an award or honour states
    its level (Art. 5(2)7: 市级及以上)."""
    check_editable(application, actor)
    personal = {Material.Kind.ID_CARD, Material.Kind.CERTIFICATE, *Material.LEVELLED_KINDS}
    if kind in personal and (mentor is None or not application.mentors.filter(pk=mentor.pk).exists()):
        raise TransitionRefused([_("Choose the mentor this material belongs to.")])
    if kind in Material.LEVELLED_KINDS and not level:
        raise TransitionRefused([_("Give the level of the award or honour.")])
    with transaction.atomic():
        stored = store_upload(uploaded=uploaded, actor=actor)
        return Material.objects.create(
            application=application,
            mentor=mentor if kind != Material.Kind.REPORT else None,
            kind=kind,
            title=title,
            level=level if kind in Material.LEVELLED_KINDS else "",
            file=stored,
        )


def material_replace(*, material: Material, uploaded, actor: User) -> Material:
    """A new version replaces the current one; the old version stays stored and linked."""
    check_editable(material.application, actor)
    with transaction.atomic():
        locked = Material.objects.select_for_update().get(pk=material.pk)
        stored = store_upload(uploaded=uploaded, actor=actor, replaces=locked.file)
        locked.file = stored
        locked.save(update_fields=["file", "updated_at"])
    return locked


def material_remove(*, material: Material, actor: User) -> None:
    """Detach a material from a draft; its stored versions stay (deleting evidence is never done here)."""
    check_editable(material.application, actor)
    material.delete()


def material_mark_original(*, material: Material, checked: bool, actor: User) -> Material:
    """原件已核: the recommender records that it has seen the original of this copy (or takes that back)."""
    require_role(actor, Role.RECOMMENDER)
    workstation = material.application.workstation
    if workstation.recommender_id != actor.organisation_id:
        raise PermissionDenied(_("This belongs to another organisation."))
    if workstation.state != State.SUBMITTED:
        raise TransitionRefused([_("Originals are checked while the application waits for your decision.")])
    with transaction.atomic():
        locked = Material.objects.select_for_update().get(pk=material.pk)
        locked.original_checked_at = timezone.now() if checked else None
        locked.original_checked_by = actor if checked else None
        locked.save(update_fields=["original_checked_at", "original_checked_by", "updated_at"])
        audit_record(actor=actor, action="material.original_checked", obj=locked, after={"checked": checked})
    return locked


# --- the city's qualification check (资格审查) ---------------------------------------------------------------------


def application_qualify(*, application: Application, actor: User, note: str = "") -> Application:
    """City staff pass a recommended candidate: it may now be put to an expert review round."""
    return decide(
        application,
        transition="qualify",
        actor=actor,
        reason=note,
        message="application.qualified",
    )


def application_rule_ineligible(*, application: Application, actor: User, reason: str) -> Application:
    """City staff rule a candidate ineligible, with a reason; it leaves the call (a terminal state). The host unit
    and the recommender are told."""
    with transaction.atomic():
        application = decide(
            application,
            transition="rule_ineligible",
            actor=actor,
            reason=reason,
            message="application.ineligible",
        )
        if application.workstation.recommender_id:
            notify_organisation(
                organisation=application.workstation.recommender,
                message="application.ineligible",
                params={"name": application.workstation.name},
                text=reason,
                url=host_link(application),
            )
    return application


SITE_VISIT_STATES = frozenset({State.RECOMMENDED, State.QUALIFIED})


def site_visit_record(
    *, application: Application, visited_on, people: str, findings: str, photos, actor: User
) -> SiteVisit:
    """实地考察: city staff record a visit to the candidate's site (date, who went, findings, photos)."""
    require_role(actor, Role.CITY_STAFF)
    problems = []
    if application.workstation.state not in SITE_VISIT_STATES:
        problems.append(_("A site visit is recorded during the qualification check."))
    if visited_on > timezone.localdate():
        problems.append(_("The visit date cannot lie in the future."))
    if application.submitted_at and visited_on < timezone.localtime(application.submitted_at).date():
        problems.append(_("The visit date cannot lie before the application was submitted."))
    if not people.strip() or not findings.strip():
        problems.append(_("Say who visited and what was found."))
    if problems:
        raise TransitionRefused(problems)
    with transaction.atomic():
        visit = SiteVisit.objects.create(
            application=application,
            visited_on=visited_on,
            people=people.strip(),
            findings=findings.strip(),
            recorded_by=actor,
        )
        for photo in photos:
            SiteVisitPhoto.objects.create(visit=visit, file=store_upload(uploaded=photo, actor=actor))
        audit_record(actor=actor, action="application.site_visit", obj=visit, after={"on": visited_on.isoformat()})
    return visit
