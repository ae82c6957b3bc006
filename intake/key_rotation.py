"""Retiring a key that protects the ID numbers (README, "Rotating the keys"): every petitioner's
number re-encrypted under the first of FIELD_ENCRYPTION_KEYS and re-hashed under
ID_NUMBER_HASH_KEY, behind `manage.py rotate_id_keys`."""

from collections.abc import Callable
from dataclasses import dataclass, field, fields

from cryptography.fernet import InvalidToken
from django.db import connection, transaction
from django.db.models import ExpressionWrapper, F, TextField

from . import crypto
from .models import Petitioner
from .services import id_number_hash


@dataclass
class _IdKeysCounts:
    examined: int = 0
    old_key: int = 0  # tokens the first key does not decrypt
    old_hash: int = 0  # hashes not under ID_NUMBER_HASH_KEY
    pending: int = 0  # rows with either
    written: int = 0
    changed_meanwhile: int = 0  # changed at the desk between read and write: left as the desk wrote them


@dataclass
class IdKeysBatch(_IdKeysCounts):
    """What one batch of petitioner_id_keys_rotate found among the rows with an ID number after
    the previous batch's `last_id`; the ids of rows in trouble are reported here, batch by batch,
    so that a run over a million rows keeps no list that grows with them."""

    last_id: int = 0
    unreadable_ids: list[int] = field(default_factory=list)  # no configured key decrypts their token
    duplicate_ids: list[int] = field(default_factory=list)  # another row holds their current hash


@dataclass
class IdKeysRotation(_IdKeysCounts):
    """The totals of a run of petitioner_id_keys_rotate."""

    unreadable: int = 0
    duplicates: int = 0

    def add(self, batch: IdKeysBatch) -> None:
        for counter in fields(_IdKeysCounts):
            setattr(self, counter.name, getattr(self, counter.name) + getattr(batch, counter.name))
        self.unreadable += len(batch.unreadable_ids)
        self.duplicates += len(batch.duplicate_ids)


# The token as stored: read through the field, it would come decrypted.
_STORED_TOKEN = ExpressionWrapper(F("id_number"), output_field=TextField())


def petitioner_id_keys_rotate(
    *, check: bool = False, batch_size: int = 1000, on_batch: Callable[[IdKeysBatch], None] | None = None
) -> IdKeysRotation:
    """Re-encrypt every petitioner's ID number under the first of FIELD_ENCRYPTION_KEYS and re-hash
    it under ID_NUMBER_HASH_KEY, so that the other keys can be removed; with `check`, only count
    the rows that still need them. `on_batch` hears of each batch as it is done (progress).

    By primary key, one transaction per batch: constant memory over a million rows, and an
    interrupted run loses at most its batch; run again, it skips the rows already done. The desk
    goes on meanwhile and nothing is locked: a row is written only if it still holds the token and
    hash read (a token is never written twice: its IV is random), so a change made at the desk in
    between, under the first key already, is never overwritten with the older number.

    ValueError for a `batch_size` below 1: a batch of none would read no row, and the run would
    report nothing left under an old key while every row still is."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    total = IdKeysRotation()
    after = 0
    while True:
        with transaction.atomic(durable=True):
            batch = _id_keys_batch(after=after, size=batch_size, check=check)
        if batch is None:
            return total
        total.add(batch)
        if on_batch is not None:
            on_batch(batch)
        after = batch.last_id


def _id_keys_batch(*, after: int, size: int, check: bool) -> IdKeysBatch | None:
    rows = list(
        Petitioner.objects.filter(pk__gt=after)
        .exclude(id_number="")
        .order_by("pk")
        .values_list("pk", "id_type", "id_number_hash", _STORED_TOKEN)[:size]
    )
    if not rows:
        return None
    batch = IdKeysBatch(last_id=rows[-1][0], examined=len(rows))
    changes = []  # (pk, token, hash, new token, new hash)
    for pk, id_type, hash_, token in rows:
        try:
            number, new_token = crypto.under_first_key(token)
        except InvalidToken:
            batch.unreadable_ids.append(pk)
            continue
        new_hash = id_number_hash(id_type, number)
        batch.old_key += new_token != token
        batch.old_hash += new_hash != hash_
        if new_token != token or new_hash != hash_:
            changes.append((pk, token, hash_, new_token, new_hash))
    batch.pending = len(changes)
    changes = _without_duplicate_hashes(changes, batch)
    if check or not changes:
        return batch
    # Plain SQL: the model's field would encrypt the tokens again, and the WHERE compares them.
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE intake_petitioner SET id_number = %s, id_number_hash = %s"
            " WHERE id = %s AND id_number = %s AND id_number_hash = %s",
            [(new_token, new_hash, pk, token, hash_) for pk, token, hash_, new_token, new_hash in changes],
        )
        batch.written = cursor.rowcount
    batch.changed_meanwhile = len(changes) - batch.written
    return batch


def _without_duplicate_hashes(changes: list[tuple], batch: IdKeysBatch) -> list[tuple]:
    """The changes, but a row whose new hash another row holds already (the same person registered
    twice) keeps its old hash, and is reported: the unique constraint would refuse the batch."""
    new_hashes = [new_hash for _pk, _token, hash_, _new_token, new_hash in changes if new_hash != hash_]
    taken = set(
        Petitioner.objects.filter(id_number_hash__in=new_hashes).values_list("id_number_hash", flat=True)
    )
    kept = []
    for pk, token, hash_, new_token, new_hash in changes:
        if new_hash != hash_ and new_hash in taken:
            batch.duplicate_ids.append(pk)
            new_hash = hash_
        taken.add(new_hash)
        if new_token != token or new_hash != hash_:
            kept.append((pk, token, hash_, new_token, new_hash))
    return kept
