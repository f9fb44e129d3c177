"""Personal data encrypted at rest (PIPL; SPEC §5): ID and phone numbers.

Keys come from ``FIELD_ENCRYPTION_KEYS`` (comma-separated; the first encrypts, all decrypt). A key is either a Fernet
key or any passphrase (stretched with SHA-256). ``manage.py rotate_field_key`` re-encrypts every value with the first
key after a new one is put in front. Equality look-ups use a keyed blind index (HMAC), never the plaintext.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "enc:"


def _fernet_key(raw: str) -> bytes:
    raw = raw.strip()
    try:
        if len(base64.urlsafe_b64decode(raw.encode())) == 32:
            return raw.encode()
    except (ValueError, TypeError):
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(raw.encode()).digest())


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(k)) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        return token
    try:
        return fernet().decrypt(token[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt a personal-data field: is FIELD_ENCRYPTION_KEYS complete?") from exc


def rotate(token: str) -> str:
    if not token.startswith(PREFIX):
        return encrypt(token)
    return PREFIX + fernet().rotate(token[len(PREFIX) :].encode()).decode()


def blind_index(value: str) -> str:
    """A keyed hash for exact-match look-ups (e.g. find a mentor by ID number) without storing the plaintext."""
    key = hashlib.sha256(("index:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Stores ``enc:<fernet token>``; Python code sees the plaintext. Not searchable: pair it with a blind index."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
