"""Two clerks of one county recommend at the same moment with one place left: exactly one succeeds (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from applications import services
from applications.models import Application
from tests import factories
from tests.applications.factories import CallFactory, QuotaFactory, make_application
from workstations.models import State
from workstations.services.lifecycle import TransitionRefused

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_recommendations_cannot_exceed_the_quota():
    county = factories.CountyFactory()
    clerks = [factories.UserFactory(organisation=county) for _ in range(2)]
    call = CallFactory()
    QuotaFactory(call=call, recommender=county, places=1)
    apps = [
        make_application(host_unit=factories.HostUnitFactory(county=county), call=call, state=State.SUBMITTED)
        for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def run(app, clerk):
        try:
            barrier.wait()
            services.application_recommend(
                application=Application.objects.get(pk=app.pk), actor=clerk, opinion="同意推荐。"
            )
            results.append("ok")
        except TransitionRefused:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a, c)) for a, c in zip(apps, clerks, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    assert Application.objects.filter(workstation__state=State.RECOMMENDED).count() == 1


def test_two_clicks_on_start_at_once_leave_one_draft():
    """Issue 15: "开始申报" clicked twice at the same moment (two tabs) resumes one empty draft, not two."""
    host = factories.HostUnitFactory()
    users = [factories.UserFactory(organisation=host) for _ in range(2)]
    call = CallFactory()
    barrier = threading.Barrier(2)
    started: list[int] = []

    def run(user):
        try:
            barrier.wait()
            started.append(services.application_start(call=call, actor=user).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(started)) == 1
    assert Application.objects.filter(call=call).count() == 1
