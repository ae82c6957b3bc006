"""Encryption at rest and keyed hashing for sensitive personal data (ID numbers).

Fernet comes from `cryptography`; MultiFernet decrypts with any configured key and encrypts with
the first, so a key can be rotated by putting the new one first. The lookup hash is an HMAC under
a separate key: without it, the 10^8 plausible ID numbers of a district could be hashed and matched.
"""

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(plaintext: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()


def lookup_hash(value: str) -> str:
    key = settings.ID_NUMBER_HASH_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
