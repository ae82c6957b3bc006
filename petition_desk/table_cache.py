"""Small tables read on every request or task (reference ids, the holiday calendar) are kept in
the shared cache until one of their rows changes."""

from functools import partial

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

# A safety net for changes that bypass the signals (QuerySet.update, another database client).
CACHE_SECONDS = 300


def forget_when_changed(keys: list[str], *tables: type[models.Model]) -> None:
    """Delete `keys` whenever a row of one of `tables` is saved or deleted: at once, and again
    after the commit, since another process may re-read the old rows before it."""

    def forget(sender, **kwargs) -> None:
        cache.delete_many(keys)
        transaction.on_commit(partial(cache.delete_many, keys))

    for model in tables:
        uid = f"table-cache:{model._meta.label_lower}:{','.join(keys)}"
        post_save.connect(forget, sender=model, weak=False, dispatch_uid=f"{uid}:save")
        post_delete.connect(forget, sender=model, weak=False, dispatch_uid=f"{uid}:delete")
