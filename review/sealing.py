"""Sealed ballots (issue 13; docs/ballot-secrecy.md): maintained cryptography only, nothing home-made.

- Each round gets an X25519 key pair when it opens (libsodium through PyNaCl). A ballot is a libsodium *sealed box*
  (``crypto_box_seal``: an ephemeral key pair per ballot, so two ballots with the same content look unrelated) of a
  fixed-length plaintext, so every envelope of every choice has the same length.
- The round's private key is split among the key holders with Shamir's secret sharing from PyCryptodome
  (``Crypto.Protocol.SecretSharing.Shamir``, which shares 16-byte secrets): the 32-byte key is shared as two 16-byte
  halves with the same indices, so each holder gets one index and 32 bytes. Any ``threshold`` holders rebuild it.
- A share travels as a printable code: base32 of (index, the 32 bytes, a 2-byte check), in groups of four.

Nothing here stores, logs or caches anything; callers keep private keys and shares in local variables only.
"""

import base64
import hashlib
import hmac

# PyCryptodome (maintained), which keeps the import path of the long-dead PyCrypto that bandit B413 warns about.
from Crypto.Protocol.SecretSharing import Shamir  # nosec B413
from django.views.decorators.debug import sensitive_variables
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from review.rules import Choice

PLAINTEXT_SIZE = 64
ENVELOPE_SIZE = PLAINTEXT_SIZE + 48  # the ephemeral public key (32) and the MAC (16)
PREFIX = b"review-ballot:"
_CODES = {Choice.APPROVE: "A", Choice.DISAPPROVE: "D", Choice.ABSTAIN: "N"}
_CHOICES = {code: choice for choice, code in _CODES.items()}


class BadShare(ValueError):
    """A share code that is mistyped, of another round, or does not rebuild the round's key."""


class BadEnvelope(ValueError):
    """An envelope that does not open with the round's key or does not belong where it is stored."""


def new_round_key() -> tuple[bytes, bytes]:
    """A fresh (private, public) X25519 key pair for a round, from the operating system's random source."""
    private = PrivateKey.generate()
    return bytes(private), bytes(private.public_key)


@sensitive_variables("choice", "plain")
def seal(public_key: bytes | SealedBox, *, round_id: int, candidate_id: int, choice: str) -> bytes:
    """The envelope of one ballot: a sealed box of ``review-ballot:<round>:<candidate>:<A|D|N>:`` padded to 64 bytes."""
    plain = PREFIX + f"{round_id}:{candidate_id}:{_CODES[Choice(choice)]}:".encode("ascii")
    if len(plain) > PLAINTEXT_SIZE:
        raise ValueError("round or candidate id too long for the envelope")
    plain = plain.ljust(PLAINTEXT_SIZE, b" ")
    box = public_key if isinstance(public_key, SealedBox) else SealedBox(PublicKey(public_key))
    return box.encrypt(plain)


@sensitive_variables("private_key")
def open_envelope(private_key: bytes, envelope: bytes, *, round_id: int, candidate_id: int) -> str:
    """The choice in ``envelope``, checked to be a ballot of this round and candidate."""
    return opener(private_key)(envelope, round_id=round_id, candidate_id=candidate_id)


@sensitive_variables("private_key", "box")
def opener(private_key: bytes):
    """A function that opens envelopes with one prepared box (the close opens thousands: the key is derived once)."""
    box = SealedBox(PrivateKey(private_key))

    def open_one(envelope: bytes, *, round_id: int, candidate_id: int) -> str:
        return _open_with(box, envelope, round_id=round_id, candidate_id=candidate_id)

    return open_one


@sensitive_variables("box", "plain")
def _open_with(box, envelope: bytes, *, round_id: int, candidate_id: int) -> str:
    try:
        plain = box.decrypt(bytes(envelope))
    except CryptoError as exc:
        raise BadEnvelope("does not open with the round's key") from exc
    fields = plain.rstrip(b" ").decode("ascii", "replace").removeprefix(PREFIX.decode()).split(":")
    if len(fields) != 4 or fields[0] != str(round_id) or fields[1] != str(candidate_id) or fields[2] not in _CHOICES:
        raise BadEnvelope("not a ballot of this round and candidate")
    return _CHOICES[fields[2]]


# --- the private key among the key holders -------------------------------------------------------------------------


@sensitive_variables("private_key")
def split_key(private_key: bytes, *, threshold: int, holders: int) -> list[tuple[int, bytes]]:
    """``holders`` shares (index 1…n, 32 bytes each) of which any ``threshold`` rebuild ``private_key``."""
    low = Shamir.split(threshold, holders, private_key[:16], ssss=False)
    high = Shamir.split(threshold, holders, private_key[16:], ssss=False)
    return [(index, a + b) for (index, a), (_same, b) in zip(low, high, strict=True)]


@sensitive_variables("shares")
def combine_shares(shares: list[tuple[int, bytes]], public_key: bytes) -> bytes:
    """Rebuild the private key from shares; refuse unless it belongs to ``public_key``."""
    if len({index for index, _share in shares}) != len(shares):
        raise BadShare("the same share twice")
    low = Shamir.combine([(index, share[:16]) for index, share in shares], ssss=False)
    high = Shamir.combine([(index, share[16:]) for index, share in shares], ssss=False)
    private_key = low + high
    if not hmac.compare_digest(bytes(PrivateKey(private_key).public_key), bytes(public_key)):
        raise BadShare("the shares do not rebuild this round's key")
    return private_key


def _check(round_id: int, index: int, share: bytes) -> bytes:
    return hashlib.sha256(f"review-share-check:{round_id}:".encode() + bytes([index]) + share).digest()[:2]


@sensitive_variables("share")
def share_code(round_id: int, index: int, share: bytes) -> str:
    """The printable form of a share: 56 base32 characters in groups of four (index, share and a 2-byte check)."""
    raw = base64.b32encode(bytes([index]) + share + _check(round_id, index, share)).decode("ascii")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@sensitive_variables("code", "raw")
def parse_share_code(round_id: int, code: str) -> tuple[int, bytes]:
    """(index, share) from a typed or pasted code; ``BadShare`` on a typo or a code of another round."""
    text = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    text = text.replace("0", "O").replace("1", "I").replace("8", "B")
    try:
        raw = base64.b32decode(text)
    except (ValueError, TypeError) as exc:
        raise BadShare("not a share code") from exc
    if len(raw) != 35:
        raise BadShare("not a share code")
    index, share, check = raw[0], raw[1:33], raw[33:]
    if not hmac.compare_digest(check, _check(round_id, index, share)):
        raise BadShare("mistyped, or the share of another round")
    return index, share


@sensitive_variables("share")
def share_fingerprint(round_id: int, index: int, share: bytes) -> str:
    """What the server keeps to tell whose share was entered: a hash of a 256-bit secret (not reversible)."""
    return hashlib.sha256(f"review-share:{round_id}:".encode() + bytes([index]) + share).hexdigest()
