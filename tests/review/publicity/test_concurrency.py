"""The closing job run twice at the same moment clears each candidate once (PostgreSQL only)."""

import threading

import pytest
from django.db import connections

from review.publicity.services import publicity_close_due, publicity_publish
from tests.factories import WorkstationFactory
from tests.review.publicity.conftest import published_in_the_past
from workstations.models import State, TransitionLog, Workstation

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def test_two_close_runs_at_once_clear_each_candidate_once(host_unit, staff):
    candidates = [
        WorkstationFactory(host_unit=host_unit, lead_mentor_name=f"导师{i}", state=State.REVIEW_PASSED)
        for i in range(4)
    ]
    with published_in_the_past(30):  # the clock moves back; the publication time is never backdated
        publicity_publish(
            workstations=candidates,
            title="公示",
            intro="现予以公示。",
            contact_office="就业促进科",
            contact_phone="0375-2660000",
            actor=staff,
        )
    barrier = threading.Barrier(2)
    reports = []

    def run():
        try:
            barrier.wait(5)
            reports.append(publicity_close_due())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(ws for r in reports for ws in r.cleared) == sorted(c.pk for c in candidates)
    assert Workstation.objects.filter(state=State.PUBLICITY_CLEARED).count() == 4
    assert TransitionLog.objects.filter(transition="clear_publicity").count() == 4
