from review.models.ballots import Ballot, Participation, StagedBallot
from review.models.panels import ExpertProfile, Panel
from review.models.rounds import Recusal, ReviewRound, RoundCandidate, RoundEvent, RoundExpert

__all__ = [
    "Ballot",
    "ExpertProfile",
    "Panel",
    "Participation",
    "Recusal",
    "ReviewRound",
    "RoundCandidate",
    "RoundEvent",
    "RoundExpert",
    "StagedBallot",
]
from review.publicity.models import (  # noqa: F401  (kept in review/publicity/, registered with the review app here)
    ConfirmationEntry,
    Objection,
    ObjectionEvidence,
    PublicityEntry,
    PublicityList,
)
from review.publicity.notice_pdf import NoticePdf  # noqa: F401  (issue 21: the stored public notice PDFs)
