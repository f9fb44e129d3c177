"""Art. 6(5) and 11(4): making, handing over and removing a workstation's plaque.

Every plaque is made to one specification (``settings.PLAQUE_SPEC``: size in millimetres, issuer, colours); the
name on it comes from ``workstations.rules.naming.workstation_name`` and nowhere else.
"""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.documents.codes import display_code, verification_qr
from portal.documents.models import Verification
from portal.documents.services import sequence_next, verification_create, verification_set_pdf
from portal.models import User
from portal.pdf import render_pdf
from portal.publiccache import bump_public_version
from portal.roles import Role
from workstations.models import State, Workstation
from workstations.models.plaques import PLAQUE_SERIES, Plaque, PlaqueHandOverCorrection, format_plaque_number
from workstations.rules.naming import workstation_name
from workstations.services.lifecycle import TransitionRefused, workstation_transition

PLAQUE_TEMPLATE = "workstations/plaque.html"
SPEC_DEFAULTS = {
    "width_mm": 600,
    "height_mm": 400,
    # The plaque's title: the city-level recognition as the bureau names it (Art. 6(5)).
    "title": "平顶山市大众创业指导大师工作室",
    "issuer": "",
    "text_colour": "#b3000c",
    "border_colour": "#b3000c",
    "background": "#ffffff",
}
_CN_DIGITS = "〇一二三四五六七八九"
_CN_MONTHS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]


def plaque_spec() -> dict:
    spec = {**SPEC_DEFAULTS, **getattr(settings, "PLAQUE_SPEC", {})}
    spec["issuer"] = spec["issuer"] or settings.ISSUING_AUTHORITY
    return spec


def chinese_year_month(day: dt.date) -> str:
    """二〇二六年五月, as dates are engraved on plaques."""
    year = "".join(_CN_DIGITS[int(c)] for c in str(day.year))
    return f"{year}年{_CN_MONTHS[day.month - 1]}月"


def plaque_layout(spec: dict, name: str) -> dict:
    """Font sizes in millimetres that fit the name on one line of the plaque, whatever its size."""
    width, height = float(spec["width_mm"]), float(spec["height_mm"])
    margin = round(min(width, height) * 0.08, 1)
    usable = width - 2 * margin
    name_mm = round(min(usable / (len(name) + 1), height * 0.16), 1)
    issuer_mm = round(min(usable / (len(spec["issuer"]) + 6), height * 0.075), 1)
    return {
        "margin_mm": margin,
        "border_mm": round(min(width, height) * 0.02, 1),
        "name_mm": name_mm,
        "issuer_mm": issuer_mm,
        "date_mm": round(issuer_mm * 0.8, 1),
        "number_mm": round(max(issuer_mm * 0.4, 3), 1),
        "gap_mm": round(height * 0.09, 1),
        "small_gap_mm": round(height * 0.025, 1),
        "number_bottom_mm": round(margin * 0.6, 1),
        "title_mm": round(min(usable / (len(spec.get("title", "")) + 8), height * 0.06), 1),
        "qr_mm": round(min(width, height) * 0.14, 1),
    }


def plaque_verification(plaque: Plaque) -> Verification | None:
    return Verification.objects.filter(subject=Verification.Subject.PLAQUE, number=plaque.number).first()


def render_plaque(plaque: Plaque) -> bytes:
    """The plaque PDF: one page of exactly the specified size, with its QR code and short code (扫码验真)."""
    spec = plaque_spec()
    verification = plaque_verification(plaque)
    return render_pdf(
        PLAQUE_TEMPLATE,
        {
            "plaque": plaque,
            "spec": spec,
            "layout": plaque_layout(spec, plaque.name),
            "date_text": chinese_year_month(plaque.issued_on),
            "number_label": "编号：",
            "verify_code": display_code(verification.code) if verification else "",
            "verify_qr": verification_qr(verification.code) if verification else None,
        },
        language="zh-hans",
    )


def plaque_issue(*, workstation: Workstation, actor: User, issued_on: dt.date | None = None) -> Plaque:
    """Art. 6(5): number and render the plaque of a certified workstation (once; a second call returns it)."""
    issued_on = issued_on or timezone.localdate()
    with transaction.atomic():
        locked = Workstation.objects.select_for_update().get(pk=workstation.pk)
        existing = Plaque.objects.filter(workstation=locked).first()
        if existing is not None:
            return existing
        if locked.state != State.CERTIFIED:
            raise TransitionRefused([_("A plaque is made only for a certified workstation.")])
        seq = sequence_next(series=PLAQUE_SERIES, year=issued_on.year)
        plaque = Plaque.objects.create(
            workstation=locked,
            number=format_plaque_number(issued_on.year, seq),
            name=workstation_name(locked.lead_mentor_name),
            issued_on=issued_on,
            issued_by=actor,
        )
        Workstation.objects.filter(pk=locked.pk).update(plaque_number=plaque.number)
        verification_create(
            subject=Verification.Subject.PLAQUE,
            number=plaque.number,
            title=f"{plaque_spec()['title']}：{plaque.name}",
            issuer=plaque_spec()["issuer"],
            issued_on=issued_on,
        )
        transaction.on_commit(lambda: _send_render(plaque.pk))
    return plaque


def _send_render(plaque_id: int) -> None:
    from portal.celery import send_task

    send_task(render_plaque_pdf, plaque_id)  # broker down: render_missing_plaque_pdfs renders it later


def plaque_render_store(plaque_id: int) -> bool:
    """Render the plaque PDF once and keep it (the Celery task ``render_plaque_pdf``; the download renders it on
    demand if the worker has not yet). Returns False when the plaque already had its PDF."""
    with transaction.atomic():
        plaque = Plaque.objects.select_for_update().get(pk=plaque_id)
        if plaque.pdf and plaque.pdf.storage.exists(plaque.pdf.name):  # type: ignore[arg-type]
            return False
        content = render_plaque(plaque)
        plaque.pdf.save(f"{plaque.number}.pdf", ContentFile(content), save=False)
        Plaque.objects.filter(pk=plaque.pk).update(pdf=plaque.pdf.name)
        verification = plaque_verification(plaque)
        if verification is not None:
            verification_set_pdf(verification=verification, content=content)
    return True


# Defined here, beside the service it runs, so that this module needs no import of ``workstations.tasks`` (which
# imports it); the name is the one the task always had, so queued messages and the beat schedule keep working.
@shared_task(name="workstations.tasks.render_plaque_pdf")
def render_plaque_pdf(plaque_id: int) -> bool:
    """Art. 6(5): render and store the plaque's PDF (idempotent: a plaque that has its PDF is left alone)."""
    return plaque_render_store(plaque_id)


def hand_over_date_problems(plaque: Plaque, handed_over_on: dt.date, today: dt.date | None = None) -> list[str]:
    """A handover lies between the making of the plaque (after certification) and today."""
    from portal.formatting import format_date

    today = today or timezone.localdate()
    earliest = max(filter(None, [plaque.issued_on, plaque.workstation.certified_on]))
    if handed_over_on > today:
        return [_("The handover date may not be in the future.")]
    if handed_over_on < earliest:
        return [
            _("The handover date may not lie before %(date)s, when the plaque was made after certification.")
            % {"date": format_date(earliest)}
        ]
    return []


def plaque_hand_over(*, plaque: Plaque, handed_over_to: str, handed_over_on: dt.date, actor: User) -> Plaque:
    """Art. 6(5) 授牌: record who received the plaque and when; the workstation becomes ``active``."""
    if not actor.has_role(Role.CITY_STAFF):
        raise PermissionDenied(_("Only city bureau staff record a handover."))
    if not handed_over_to.strip():
        raise TransitionRefused([_("Say who received the plaque.")])
    with transaction.atomic():
        locked = Plaque.objects.select_for_update().select_related("workstation").get(pk=plaque.pk)
        if locked.is_handed_over:
            raise TransitionRefused([_("This plaque has already been handed over.")])
        problems = hand_over_date_problems(locked, handed_over_on)
        if problems:
            raise TransitionRefused(problems)
        locked.handed_over_to = handed_over_to.strip()
        locked.handed_over_on = handed_over_on
        locked.handed_over_by = actor
        locked.save(update_fields=["handed_over_to", "handed_over_on", "handed_over_by"])
        workstation_transition(
            workstation=locked.workstation_id,
            transition="issue_plaque",
            actor=actor,
            reason=_("Plaque %(number)s handed over to %(person)s.")
            % {"number": locked.number, "person": locked.handed_over_to},
        )
        bump_public_version()  # the workstation is active now: the public directory lists it at once
    return locked


def plaque_hand_over_correct(
    *, plaque: Plaque, handed_over_to: str, handed_over_on: dt.date, reason: str, actor: User
) -> PlaqueHandOverCorrection:
    """Correct a recorded handover (a wrong date or recipient): never an edit in place, but a correcting record with
    the reason, kept in the plaque's history; the same date rules as the handover apply."""
    if not actor.has_role(Role.CITY_STAFF):
        raise PermissionDenied(_("Only city bureau staff can correct a handover."))
    if not reason.strip():
        raise TransitionRefused([_("Give the reason for the correction.")])
    if not handed_over_to.strip():
        raise TransitionRefused([_("Say who received the plaque.")])
    with transaction.atomic():
        locked = Plaque.objects.select_for_update().select_related("workstation").get(pk=plaque.pk)
        if not locked.is_handed_over:
            raise TransitionRefused([_("This plaque has not been handed over yet; record the handover instead.")])
        if locked.is_removed:
            raise TransitionRefused([_("This plaque has been removed; its handover can no longer be corrected.")])
        problems = hand_over_date_problems(locked, handed_over_on)
        if problems:
            raise TransitionRefused(problems)
        if (locked.handed_over_to, locked.handed_over_on) == (handed_over_to.strip(), handed_over_on):
            raise TransitionRefused([_("Nothing to correct: this is what is recorded.")])
        correction = PlaqueHandOverCorrection.objects.create(  # type: ignore[misc]
            plaque=locked,
            previous_to=locked.handed_over_to,
            previous_on=locked.handed_over_on,
            corrected_to=handed_over_to.strip(),
            corrected_on=handed_over_on,
            reason=reason.strip(),
            corrected_by=actor,
        )
        locked.handed_over_to, locked.handed_over_on = correction.corrected_to, correction.corrected_on
        locked.save(update_fields=["handed_over_to", "handed_over_on"])
        audit_record(
            actor=actor,
            action="plaque.hand_over_corrected",
            obj=locked,
            before={"to": correction.previous_to, "on": correction.previous_on.isoformat()},
            after={"to": correction.corrected_to, "on": correction.corrected_on.isoformat(), "reason": reason.strip()},
        )
        bump_public_version()
    return correction


def plaque_remove(*, plaque: Plaque, removed_on: dt.date, reason: str, actor: User) -> Plaque:
    """Art. 11(4) 摘牌: record the plaque's removal on deregistration or revocation (idempotent)."""
    with transaction.atomic():
        locked = Plaque.objects.select_for_update().get(pk=plaque.pk)
        if locked.is_removed:
            return locked
        locked.removed_on, locked.removed_by, locked.removal_reason = removed_on, actor, reason.strip()
        locked.save(update_fields=["removed_on", "removed_by", "removal_reason"])
    return locked
