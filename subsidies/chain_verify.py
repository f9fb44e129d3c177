"""Verifying the ledger's hash chain end to end (``settings.PORTAL_HASH_CHAINS``, the audit page and the checkpoint
job). Apart from ``subsidies.chain``, which the ``Entry`` model calls on save, so that neither imports the other."""

from portal.audit import LEDGER_CHAIN, AuditChainHead, verify_links
from subsidies.chain import entry_mac
from subsidies.models.ledger import Entry


def verify_ledger_chain(checkpoints=()):
    links = (
        (entry.chain_seq, entry.prev_hash, entry.hash, entry_mac(entry))
        for entry in Entry.objects.order_by("chain_seq").iterator(chunk_size=2000)
    )
    head = AuditChainHead.objects.filter(pk=LEDGER_CHAIN).first()
    return verify_links("ledger", "ledger entry", links, head, checkpoints)
