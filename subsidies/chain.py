"""The ledger entries' hash chain, with their amounts (issue 14 item 3; see ``portal.audit``).

Every entry, when inserted, takes the next number of one chain across all ledgers and the MAC (under
``settings.AUDIT_HMAC_KEY``) of the previous link and its own money facts: ledger, kind, source, amount, sign, date,
description, reversal link, recorder. An amount changed behind a disabled trigger no longer matches its MAC, and
without the key the chain cannot be recomputed to hide it.
"""

from portal.audit import LEDGER_CHAIN, chain_append, chain_mac


def entry_payload(entry) -> dict:
    return {
        "seq": entry.chain_seq,
        "ledger": entry.ledger_id,
        "kind": entry.kind,
        "source": entry.source,
        "category": entry.category,
        "amount": f"{entry.amount:.2f}",
        "sign": entry.sign,
        "date": entry.date.isoformat(),
        "description": entry.description,
        "explanation": entry.explanation,
        "reference": entry.reference,
        "evaluation_result": entry.evaluation_result_id,
        "reverses": entry.reverses_id,
        "recorded_by": entry.recorded_by_id,
    }


def entry_mac(entry) -> str:
    return chain_mac(entry.prev_hash, entry_payload(entry))


def entry_chain(entry) -> None:
    """Give an entry about to be inserted its link (inside the inserting transaction: the head stays locked)."""
    from decimal import Decimal

    head = chain_append(LEDGER_CHAIN)
    entry.amount = Decimal(entry.amount)
    entry.chain_seq = head.seq + 1
    entry.prev_hash = head.hash
    entry.hash = entry_mac(entry)
    head.advance(entry.chain_seq, entry.hash)
