"""Art. 6(4): publishing the list, withdrawing it, closing the window and clearing its candidates.

The public's objections (filing, investigating, deciding) are in ``review.publicity.objections``; confirmation
documents and plaques (Art. 6(4)–(5)) are in ``review.publicity.confirmation``.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.formatting import format_date
from portal.measures.selectors import measures_in_force
from portal.models import User
from portal.notifications import city_staff_users, notify, notify_organisation
from portal.publiccache import bump_public_version
from portal.workdays.services import local_date, publicity_window
from review.publicity.models import PublicityEntry, PublicityList
from review.publicity.notice_pdf import notice_pdf_render_after_commit
from workstations.models import State, Workstation
from workstations.services.lifecycle import TransitionRefused, workstation_transition

logger = logging.getLogger(__name__)


# A publication time a few minutes before the moment of saving is the same moment (the form was opened earlier).
PUBLISH_CLOCK_SLACK = dt.timedelta(minutes=15)


def publication_time_problems(
    *, published_at: dt.datetime, now: dt.datetime, website_url: str = "", website_posted_at: dt.datetime | None = None
) -> list[str]:
    """Art. 6(4): the publication time may not lie before the moment of publishing, since the five working days are
    the public's. The one exception is a notice posted earlier the same day on the bureau's website: then the time
    may be that posting's, and its address and time must be recorded."""
    from portal.workdays.services import local_date

    if published_at >= now - PUBLISH_CLOCK_SLACK:
        return []
    today = local_date(now)
    if local_date(published_at) != today:
        return [
            _(
                "The publication time may not lie before today (%(today)s): the five working days of publicity run "
                "from the day the public can read the list."
            )
            % {"today": format_date(today)}
        ]
    if not (website_url.strip() and website_posted_at):
        return [
            _(
                "A publication time earlier than now is allowed only for a notice already posted today on the "
                "bureau's website: record the address and the time of that posting."
            )
        ]
    problems = []
    if local_date(website_posted_at) != today or website_posted_at > now:
        problems.append(_("The website posting must be from earlier today."))
    if published_at < website_posted_at:
        problems.append(_("The publication time may not lie before the website posting."))
    return problems


def publicity_publish(
    *,
    workstations: list[Workstation],
    title: str,
    intro: str,
    contact_office: str,
    contact_phone: str,
    contact_address: str = "",
    actor: User,
    published_at: dt.datetime | None = None,
    first_day: dt.date | None = None,
    round_reference: str = "",
    website_url: str = "",
    website_posted_at: dt.datetime | None = None,
) -> PublicityList:
    """Art. 6(4): publish the passed candidates as one list for five working days.

    The publication time may not lie before now (``publication_time_problems``). The window comes from the calendar
    service (``CalendarNotCovered`` / ``InvalidWindowStart`` reach the caller with a message for staff). The list and
    every candidate's ``publish`` transition are one transaction: either all candidates are in publicity or none is.
    """
    now = timezone.now()
    published_at = published_at or now
    if not workstations:
        raise TransitionRefused([_("Choose at least one candidate.")])
    problems = publication_time_problems(
        published_at=published_at, now=now, website_url=website_url, website_posted_at=website_posted_at
    )
    if problems:
        raise TransitionRefused(problems)
    # Art. 6(4) with the measures' numbers in force on the day of publication (portal.measures).
    measures = measures_in_force(local_date(published_at))
    window = publicity_window(published_at, first_day, days=measures.publicity_working_days)
    with transaction.atomic():
        publicity_list = PublicityList.objects.create(
            title=title.strip(),
            round_reference=round_reference,
            intro=intro.strip(),
            contact_office=contact_office.strip(),
            contact_phone=contact_phone.strip(),
            contact_address=contact_address.strip(),
            issuer=settings.ISSUING_AUTHORITY,
            published_at=published_at,
            recorded_at=now,
            website_url=website_url.strip() if website_posted_at else "",
            website_posted_at=website_posted_at if website_url.strip() else None,
            first_day=window.first_day,
            last_day=window.last_day,
            closes_at=window.closes_at,
            measures_version_id=measures.version_id,
            working_days=measures.publicity_working_days,
            published_by=actor,
        )
        ordered = sorted(workstations, key=lambda w: w.pk)  # lock in a fixed order
        for position, workstation in enumerate(ordered, start=1):
            locked = workstation_transition(
                workstation=workstation.pk, transition="publish", actor=actor, reason=publicity_list.title
            )
            county = locked.county
            PublicityEntry.objects.create(
                publicity_list=publicity_list,
                workstation=locked,
                position=position,
                workstation_name=locked.name,
                host_unit_name=locked.host_unit.name,
                county_name=county.display_short if county else "",
                lead_mentor_name=locked.lead_mentor_name,
            )
            notify_organisation(
                organisation=locked.host_unit,
                message="publicity.listed",
                params={"name": locked.name, "first": window.first_day, "last": window.last_day},
                url=reverse("publicity_public:list_detail", args=[publicity_list.pk]),
            )
        bump_public_version()
        notice_pdf_render_after_commit(publicity_list.pk)  # issue 21: stored before the public asks for it
    return publicity_list


def publicity_withdraw(*, publicity_list: PublicityList, reason: str, actor: User) -> PublicityList:
    """Art. 6(4): a published list is never edited; it is corrected by withdrawing it, with a reason the public reads.

    Candidates still in publicity, or cleared but not yet certified, return to ``review_passed`` and wait for a
    corrected list (a new window of five working days). A list with a certified candidate cannot be withdrawn: the
    confirmation document stands on it. Undecided objections stay on record and are closed by the withdrawal.
    """
    if not reason.strip():
        raise TransitionRefused([_("Give the reason for the withdrawal; it is published with the list.")])
    with transaction.atomic():
        locked = PublicityList.objects.select_for_update().get(pk=publicity_list.pk)
        if locked.is_withdrawn:
            raise TransitionRefused([_("This list has already been withdrawn.")])
        entries = list(locked.entries.select_related("workstation").order_by("workstation_id"))
        moved_on = [
            e.workstation_name
            for e in entries
            if e.workstation.state not in (State.IN_PUBLICITY, State.PUBLICITY_CLEARED, State.NOT_RECOGNISED)
        ]
        if moved_on:
            raise TransitionRefused(
                [
                    _("%(names)s already moved past publicity (certified); the list can no longer be withdrawn.")
                    % {"names": "、".join(moved_on)}
                ]
            )
        locked.withdrawn_at, locked.withdrawn_by, locked.withdrawal_reason = timezone.now(), actor, reason.strip()
        locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "updated_at"])
        for entry in entries:
            if entry.workstation.state in (State.IN_PUBLICITY, State.PUBLICITY_CLEARED):
                workstation_transition(
                    workstation=entry.workstation_id, transition="withdraw_publicity", actor=actor, reason=reason
                )
                PublicityEntry.objects.filter(pk=entry.pk).update(outcome=PublicityEntry.Outcome.WITHDRAWN)
                notify_organisation(
                    organisation=entry.workstation.host_unit,
                    message="publicity.withdrawn",
                    params={"name": entry.workstation_name},
                    text=reason.strip(),
                    url=reverse("publicity_public:list_detail", args=[locked.pk]),
                )
        audit_record(actor=actor, action="publicity.withdrawn", obj=locked, after={"reason": reason.strip()})
        bump_public_version()
        notice_pdf_render_after_commit(locked.pk)
    return locked


def _clear_if_ready(entry: PublicityEntry, *, actor: User | None, now=None) -> bool:
    """Clear one candidate when its window is over and nothing is undecided; False when it must wait. The caller
    renders the list's notice PDF again once it is done (one render per list, not one per candidate)."""
    entry = PublicityEntry.objects.select_related("publicity_list", "workstation").get(pk=entry.pk)
    if entry.workstation.state != State.IN_PUBLICITY or entry.clearance_problems(now):
        return False
    try:
        with transaction.atomic():
            workstation_transition(
                workstation=entry.workstation_id,
                transition="clear_publicity",
                actor=actor,
                reason=_("Publicity ended without an upheld objection."),
            )
            PublicityEntry.objects.filter(pk=entry.pk).update(outcome=PublicityEntry.Outcome.CLEARED)
            bump_public_version()
    except TransitionRefused:
        return False  # cleared by a concurrent run, or an objection arrived in between
    return True


@dataclass
class CloseReport:
    cleared: list[int] = field(default_factory=list)  # workstation ids
    waiting: list[int] = field(default_factory=list)


def publicity_close_due(*, now: dt.datetime | None = None) -> CloseReport:
    """Art. 6(4), the scheduled job: close every window whose end has passed.

    Candidates without an undecided objection move to ``publicity_cleared`` (actor: the system); the others wait and
    staff are told once per list (a dedup key). Safe to run twice or late: each candidate is re-checked under the
    workstation's row lock, and those already moved on are skipped.
    """
    now = now or timezone.now()
    report = CloseReport()
    due = PublicityList.objects.past_at(now).filter(entries__workstation__state=State.IN_PUBLICITY).distinct()
    for publicity_list in due:
        entries = publicity_list.entries.filter(workstation__state=State.IN_PUBLICITY).select_related("workstation")
        waiting_names = []
        for entry in entries:
            if _clear_if_ready(entry, actor=None, now=now):
                report.cleared.append(entry.workstation_id)
            else:
                report.waiting.append(entry.workstation_id)
                waiting_names.append(entry.workstation_name)
        if publicity_list.closed_at is None:
            PublicityList.objects.filter(pk=publicity_list.pk, closed_at__isnull=True).update(closed_at=now)
        notice_pdf_render_after_commit(publicity_list.pk)  # the notice now shows each candidate's outcome
        if waiting_names:
            notify(
                recipients=city_staff_users(),
                message="publicity.waiting",
                params={"count": len(waiting_names), "names": waiting_names},
                url=reverse("publicity:list_detail", args=[publicity_list.pk]),
                dedup_key=f"publicity-waiting:{publicity_list.pk}:{len(waiting_names)}",
            )
    if report.cleared:
        logger.info("publicity closed: %d cleared, %d waiting", len(report.cleared), len(report.waiting))
    return report
