"""Factories for outcomes (issue 7): operating workstations and activity reports laid down directly."""

from datetime import date

import factory
from django.utils import timezone

from tests.factories import UserFactory, WorkstationFactory
from workstations.models import State
from workstations.models.outcomes import ActivityKind, ActivityReport, ReportStatus, TrainedPerson
from workstations.services import compliance_summary

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\xdac\xfc\xcf\xc0P\x0f\x00\x04\x85\x01\x80\x84\xa9\x8c!\x00\x00\x00\x00IEND\xaeB`\x82"
)


class OperatingWorkstationFactory(WorkstationFactory):
    state = State.ACTIVE
    certified_on = date(2024, 1, 1)

    class Meta:
        skip_postgeneration_save = True

    # Laid down directly, so the board's summary rows are kept here as the certification service keeps them.
    summary = factory.PostGeneration(lambda ws, create, extracted, **kw: create and compliance_summary.refresh(ws.pk))


class ActivityReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityReport
        skip_postgeneration_save = True

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
    summary = factory.PostGeneration(lambda r, create, extracted, **kw: create and compliance_summary.report_decided(r))


def accepted(workstation, kind, held_on, *, status=ReportStatus.ACCEPTED, trainees=(), setting=""):
    if kind == ActivityKind.THEMED and not setting:
        setting = "park"
    report = ActivityReportFactory(workstation=workstation, kind=kind, held_on=held_on, status=status, setting=setting)
    for name in trainees:
        TrainedPerson.objects.create(report=report, name=name)
    compliance_summary.report_decided(report)  # the trainees count once the report is accepted
    return report


def team_workstation(host_unit, *, certified_on: date, lead: str = "张伟", mentors=("甲", "乙")):
    """An active workstation certified on ``certified_on`` from an application with its lead mentor and further
    mentors: the team baseline of Art. 5(3)1 (``workstations.rules.team.baseline_for``)."""
    from tests.applications.factories import MentorFactory, make_application
    from workstations.models import Workstation

    application = make_application(
        host_unit=host_unit, state=State.ACTIVE, mentors=0, lead=MentorFactory(host_unit=host_unit, name=lead)
    )
    application.mentors.add(*(MentorFactory(host_unit=host_unit, name=name) for name in mentors))
    Workstation.objects.filter(pk=application.workstation_id).update(certified_on=certified_on)
    return Workstation.objects.get(pk=application.workstation_id)


def mentor_leaves(workstation, actor, name, *, role="mentor", on=date(2025, 3, 1), today=date(2025, 3, 5)):
    """The host unit reports that ``name`` left on ``on`` (a mentor-change report, Art. 11(5))."""
    from workstations.models.outcomes import EventKind
    from workstations.services.outcomes import MentorChangeInput, major_event_file

    return major_event_file(
        workstation=workstation,
        actor=actor,
        kind=EventKind.MENTOR_CHANGE,
        title="导师变动",
        occurred_on=on,
        description=f"{name}离开。",
        changes=[MentorChangeInput(name, role, "left", on, reason="调动")],
        today=today,
    )
