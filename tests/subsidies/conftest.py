import pytest

from tests.subsidies.factories import grant, operating_workstation


@pytest.fixture
def ws(host_unit):
    """An active workstation of ``host_unit``, recommended by its county (the ``clerk`` fixture's bureau)."""
    return operating_workstation(host_unit)


@pytest.fixture
def funded(ws, staff, clerk):
    """``ws`` with the city grant (50,000) and the county matching grant (20,000) recorded."""
    grant(ws, staff)
    grant(ws, clerk, "20000.00", kind="county_grant")
    return ws


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are asserted in English here; pages are checked in Chinese through the request locale."""
    from django.utils import translation

    with translation.override("en"):
        yield
