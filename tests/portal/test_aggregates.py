"""Whole-city figures computed once per change (issue 21 item 1): the staff pages read them from the cache, and every
write to what they count — through a service, the admin or a plain ``save()`` — makes the next request count again."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from portal import aggregates
from tests.factories import HostUnitFactory, WorkstationFactory
from workstations.models import State, Workstation

pytestmark = pytest.mark.django_db


def _counter():
    calls = []

    def compute():
        calls.append(1)
        return Workstation.objects.filter(state=State.RECOMMENDED).count()

    return compute, calls


def test_a_figure_is_counted_once_until_a_workstation_changes(county):
    compute, calls = _counter()
    figure = lambda: aggregates.cached("test-recommended", (), (aggregates.WORKSTATIONS,), compute)  # noqa: E731
    assert figure() == 0 and figure() == 0
    assert len(calls) == 1  # the second read is the stored figure
    WorkstationFactory(host_unit=HostUnitFactory(county=county), state=State.RECOMMENDED)
    assert figure() == 1  # the save moved the version on: counted again, no stale 0
    assert len(calls) == 2


def test_a_lost_version_counts_again_and_never_serves_an_old_figure(county):
    ws = WorkstationFactory(host_unit=HostUnitFactory(county=county), state=State.RECOMMENDED)
    compute, calls = _counter()
    figure = lambda: aggregates.cached("test-recommended", (), (aggregates.WORKSTATIONS,), compute)  # noqa: E731
    assert figure() == 1
    Workstation.objects.filter(pk=ws.pk).update(state=State.QUALIFIED)  # no signal: the version does not move
    cache.delete("aggregates:version:workstations")  # evicted (a Redis restart): a new token, not the old one again
    assert figure() == 0 and len(calls) == 2


def test_a_write_moves_the_version_on_again_after_its_commit(county, django_capture_on_commit_callbacks):
    before = aggregates.versions([aggregates.LEDGERS])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        aggregates.bump(aggregates.LEDGERS)
        during = aggregates.versions([aggregates.LEDGERS])  # a reader before the commit stores under this one
    assert during != before and callbacks
    for callback in callbacks:
        callback()
    assert aggregates.versions([aggregates.LEDGERS]) != during  # so its figure, counted before the commit, is gone


def test_rows_gone_since_their_ids_were_stored_are_left_out(county):
    host = HostUnitFactory(county=county)
    first, second, third = (WorkstationFactory(host_unit=host) for _ in range(3))
    rows = aggregates.ObjectsByIds([third.pk, first.pk, second.pk], Workstation.objects.all())
    second.delete()
    assert len(rows) == 3 and rows[0:3] == [third, first]


def test_the_city_staff_home_counts_a_workstation_recommended_since_the_last_visit(client, staff, county):
    host = HostUnitFactory(county=county)
    WorkstationFactory(host_unit=host, recommender=county, state=State.RECOMMENDED)
    client.force_login(staff)
    link = f"{reverse('workstations:list')}?state={State.RECOMMENDED}"

    def card() -> str:
        page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        return page.split(f'href="{link}"', 1)[1][:200].replace(" ", "")

    assert ">1<" in card()
    WorkstationFactory(host_unit=host, recommender=county, state=State.RECOMMENDED)
    assert ">2<" in card()
