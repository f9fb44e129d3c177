"""Deadline reminders of the ledgers (portal.deadlines runs them daily): a grant whose publicity ended with no payment
recorded."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from portal.notifications import city_staff_users, notify, notify_organisation

GRANT_LOOKBACK_DAYS = 30  # a grant publicity that ended longer ago is not reminded (e.g. on the first run)


def remind_grant_payments(today: dt.date) -> int:
    """Whoever pays a published grant (the city for its grant and awards, the county for its matching grant): the five
    working days are over and the payment (拨付) is not recorded yet. Once per grant, for windows ended within
    ``GRANT_LOOKBACK_DAYS``."""
    from subsidies.models import Kind
    from subsidies.models.trail import GrantPublicity

    sent = 0
    ended = GrantPublicity.objects.filter(
        last_day__lt=today,
        last_day__gte=today - dt.timedelta(days=GRANT_LOOKBACK_DAYS),
        entry__disbursement__isnull=True,
        entry__reversed_by__isnull=True,
    ).select_related("entry__ledger__workstation__recommender", "entry__ledger__workstation__host_unit__county")
    for publicity in ended:
        grant, ws = publicity.entry, publicity.entry.ledger.workstation
        said = {
            "message": "deadline.grant_payment",
            "params": {"kind": grant.kind, "amount": grant.amount, "ws": ws.name, "date": publicity.last_day},
            "url": reverse("subsidies:ledger", args=[ws.pk]),
            "dedup_key": f"deadline:grant-payment:{publicity.pk}",
        }
        if grant.kind == Kind.COUNTY_GRANT:
            sent += notify_organisation(organisation=ws.county, **said)
        else:
            sent += notify(recipients=city_staff_users(), **said)
    return sent
