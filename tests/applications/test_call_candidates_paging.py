"""The city's view of a call's candidates, paged in two steps (issue 21): the page's ids in the list's order (by
recommender, then rank), then those rows — the pages together are the whole list, in order, each candidate once."""

import pytest
from django.test import override_settings
from django.urls import reverse

from applications import selectors
from tests import factories
from tests.applications.factories import CallFactory, make_application
from workstations.models import State

pytestmark = pytest.mark.django_db


@override_settings(PORTAL_PAGE_SIZE=2)
def test_the_pages_are_the_whole_list_in_its_order(client, staff):
    call = CallFactory()
    for county in (factories.CountyFactory(name="乙县人社局"), factories.CountyFactory(name="甲县人社局")):
        for state in (State.SUBMITTED, State.RETURNED, State.DRAFT):
            make_application(host_unit=factories.HostUnitFactory(county=county), call=call, state=state)
    client.force_login(staff)
    url = reverse("applications:call_candidates", args=[call.pk])
    pages = [client.get(url, {"page": n}).context["candidates"] for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [2, 2, 2] and pages[0].paginator.count == 6
    assert [a.pk for p in pages for a in p] == [a.pk for a in selectors.call_candidates(call)]
    filtered = client.get(url, {"state": State.RETURNED}).context["candidates"]
    assert filtered.paginator.count == 2 and {a.workstation.state for a in filtered} == {State.RETURNED}
