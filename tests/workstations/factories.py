"""Factories for outcomes (issue 7): operating workstations and activity reports laid down directly."""

from datetime import date

import factory
from django.utils import timezone

from tests.factories import UserFactory, WorkstationFactory
from workstations.models import State
from workstations.models.outcomes import ActivityKind, ActivityReport, ReportStatus, TrainedPerson

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\xdac\xfc\xcf\xc0P\x0f\x00\x04\x85\x01\x80\x84\xa9\x8c!\x00\x00\x00\x00IEND\xaeB`\x82"
)


class OperatingWorkstationFactory(WorkstationFactory):
    state = State.ACTIVE
    certified_on = date(2024, 1, 1)


class ActivityReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityReport

    workstation = factory.SubFactory(OperatingWorkstationFactory)
    kind = ActivityKind.CONSULTATION
    title = factory.Sequence(lambda n: f"活动{n}")
    held_on = date(2024, 2, 1)
    place = "平顶山市新华区"
    participant_count = 30
    description = "政策解读与创业指导。"
    status = ReportStatus.ACCEPTED
    submitted_by = factory.SubFactory(UserFactory)
    submitted_at = factory.LazyFunction(timezone.now)


def accepted(workstation, kind, held_on, *, status=ReportStatus.ACCEPTED, trainees=(), setting=""):
    if kind == ActivityKind.THEMED and not setting:
        setting = "park"
    report = ActivityReportFactory(workstation=workstation, kind=kind, held_on=held_on, status=status, setting=setting)
    for name in trainees:
        TrainedPerson.objects.create(report=report, name=name)
    return report
