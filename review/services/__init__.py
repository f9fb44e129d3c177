"""Every write of the review stage. Views call these; nothing else changes review data."""

from review.services.base import ReviewError
from review.services.closing import candidate_requeue, round_close, round_close_preview
from review.services.keys import key_share_take
from review.services.panels import expert_profile_save, panel_create, panel_set_members, panel_update
from review.services.rounds import (
    recusal_declare,
    recusal_record,
    round_create,
    round_delete,
    round_open,
    round_set_candidates,
    round_update_rule,
)
from review.services.voting import AlreadyVoted, ReceiptStatus, ballot_cast, receipt_check, round_recount

__all__ = [
    "AlreadyVoted",
    "ReceiptStatus",
    "ReviewError",
    "ballot_cast",
    "candidate_requeue",
    "expert_profile_save",
    "key_share_take",
    "panel_create",
    "panel_set_members",
    "panel_update",
    "receipt_check",
    "recusal_declare",
    "recusal_record",
    "round_close",
    "round_close_preview",
    "round_create",
    "round_delete",
    "round_open",
    "round_recount",
    "round_set_candidates",
    "round_update_rule",
]
