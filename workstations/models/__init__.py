"""The workstation's records, one module per part of its life; imported here so that Django registers them with the
``workstations`` app (labels and tables unchanged) and so that ``workstations.models`` names every model.

Modules inside this package import each other directly (``workstations.models.lifecycle``), never this package, so
that no import cycle runs through it.
"""

from workstations.models.compliance import ComplianceSummary  # issue 21: the Art. 10 board's summary rows
from workstations.models.county import CountyOpinion  # Art. 11(3) county opinion
from workstations.models.evaluations import Evaluation, EvaluationResult, Rectification
from workstations.models.exits import ExitCase  # Art. 11(4) exits
from workstations.models.lifecycle import Workstation
from workstations.models.outcomes import (
    ActivityReport,
    MajorEventReport,
    MentorChange,
    ReportEvidence,
    TrainedPerson,
    WorkPlan,
)
from workstations.models.plaques import Plaque, PlaqueHandOverCorrection  # Art. 6(5)
from workstations.models.self_evaluation import Achievement, RoundPolicy, SelfEvaluation  # Art. 11(3)
from workstations.models.service_records import ServiceRecord  # Art. 4 services
from workstations.models.terms import Term, TermFlag  # Art. 11(1) terms
from workstations.models.transitions import (
    OPERATING_STATES,
    RECOGNISED_STATES,
    TERMINAL_STATES,
    State,
    TransitionLog,
)

__all__ = [
    "OPERATING_STATES",
    "RECOGNISED_STATES",
    "TERMINAL_STATES",
    "Achievement",
    "ActivityReport",
    "ComplianceSummary",
    "CountyOpinion",
    "Evaluation",
    "EvaluationResult",
    "ExitCase",
    "MajorEventReport",
    "MentorChange",
    "Plaque",
    "PlaqueHandOverCorrection",
    "Rectification",
    "ReportEvidence",
    "RoundPolicy",
    "SelfEvaluation",
    "ServiceRecord",
    "State",
    "Term",
    "TermFlag",
    "TrainedPerson",
    "TransitionLog",
    "WorkPlan",
    "Workstation",
]
