from review.models.ballots import Ballot, Participation, Receipt, StagedBallot
from review.models.panels import ExpertProfile, Panel
from review.models.rounds import Recusal, ReviewRound, RoundCandidate, RoundEvent, RoundExpert, RoundKeyHolder

__all__ = [
    "Ballot",
    "ExpertProfile",
    "Panel",
    "Participation",
    "Receipt",
    "Recusal",
    "ReviewRound",
    "RoundCandidate",
    "RoundEvent",
    "RoundExpert",
    "RoundKeyHolder",
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
