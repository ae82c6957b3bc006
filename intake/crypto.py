"""Encryption at rest and keyed hashing for sensitive personal data (ID numbers).

Fernet comes from `cryptography`; MultiFernet decrypts with any configured key and encrypts with
the first. A new key put first encrypts only what is written from then on: the rows written
before stay under the old key until `manage.py rotate_id_keys` re-encrypts them, and only then can
the old key be removed. The lookup hash is an HMAC under a separate key: without it, the 10^8
plausible ID numbers of a district could be hashed and matched.
"""

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(plaintext: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()


def under_first_key(token: str) -> tuple[str, str]:
    """The token's plaintext, and the token under the first key: the same token when the first key
    decrypts it already, else MultiFernet.rotate's re-encryption of it. InvalidToken when no
    configured key decrypts it."""
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    raw = token.encode()
    try:
        return _fernet(keys[:1]).decrypt(raw).decode(), token
    except InvalidToken:
        fernet = _fernet(keys)
        return fernet.decrypt(raw).decode(), fernet.rotate(raw).decode()


def _hmac(key: str, value: str) -> str:
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()


def lookup_hash(value: str) -> str:
    """The hash stored for `value`: under ID_NUMBER_HASH_KEY."""
    return _hmac(settings.ID_NUMBER_HASH_KEY, value)


def lookup_hashes(value: str) -> list[str]:
    """Every hash `value` may be stored under: the current key's first, then one per key being
    retired (ID_NUMBER_HASH_OLD_KEYS), which rows not yet re-hashed by rotate_id_keys still hold."""
    return [_hmac(key, value) for key in (settings.ID_NUMBER_HASH_KEY, *settings.ID_NUMBER_HASH_OLD_KEYS)]
