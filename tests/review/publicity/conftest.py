import datetime as dt
import secrets
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone

from portal.workdays.models import CalendarDay
from review.publicity.forms import form_started_token
from review.publicity.services import publicity_publish
from tests.factories import WorkstationFactory
from workstations.models import State


@pytest.fixture(autouse=True)
def _calendar_around_today(db):
    """The seeded calendar covers 2004–2026; keep these tests meaningful after that with weekday-rule rows."""
    today = timezone.localdate()
    have = set(
        CalendarDay.objects.filter(
            date__range=(today - dt.timedelta(days=60), today + dt.timedelta(days=60))
        ).values_list("date", flat=True)
    )
    missing = [today + dt.timedelta(days=d) for d in range(-60, 61)]
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, is_working_day=d.weekday() < 5) for d in missing if d not in have]
    )


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def passed(host_unit):
    def make(lead="张伟"):
        return WorkstationFactory(host_unit=host_unit, lead_mentor_name=lead, state=State.REVIEW_PASSED)

    return make


def published_in_the_past(days_ago):
    """Publish as staff did ``days_ago`` days ago: the clock is moved, not the publication time (which may not lie
    before the moment of publishing)."""
    then = timezone.now() - dt.timedelta(days=days_ago)
    return mock.patch("django.utils.timezone.now", return_value=then)


@pytest.fixture
def publish(staff):
    def do(workstations, *, days_ago=1):
        with published_in_the_past(days_ago):
            return publicity_publish(
                workstations=workstations,
                title="2026年度大师工作室拟认定名单公示",
                intro="拟认定以下工作室，现予以公示。",
                contact_office="市人社局就业促进科",
                contact_phone="0375-2660000",
                actor=staff,
            )

    return do


@pytest.fixture
def open_list(passed, publish):
    return publish([passed("张伟"), passed("李娜")], days_ago=1)


@pytest.fixture
def ended_list(passed, publish):
    return publish([passed("王磊"), passed("刘洋")], days_ago=30)


def objection_post(entry, **overrides):
    data = {
        "entry": entry.pk,
        "objector_name": "李明",
        "objector_phone": "13803751234",
        "facts": "该工作室申报的培训人次与实际开展情况明显不符，请核查2025年的培训签到记录。",
        "website": "",
        "started": form_started_token(timezone.now().timestamp() - 30),
        "submission": secrets.token_urlsafe(24),  # each call is a new form
    }
    data.update(overrides)
    return data
