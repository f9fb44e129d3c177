from review.publicity.models import (  # noqa: F401  (kept in review/publicity/, registered with the review app here)
    ConfirmationEntry,
    Objection,
    ObjectionEvidence,
    PublicityEntry,
    PublicityList,
)
