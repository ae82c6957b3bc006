"""The ids of the small reference tables a registration names (windows, categories, subject areas,
places). They change a few times a year and are checked on every registration, so they are read
from the shared cache, which forgets a table's ids whenever one of its rows is saved or deleted."""

from django.core.cache import cache
from django.db import models
from django.db.models.signals import post_delete, post_save

# A safety net for changes that bypass the signals (QuerySet.update, another database client).
CACHE_SECONDS = 300


def _key(model: type[models.Model], active: bool) -> str:
    return f"reference-ids:{model._meta.label_lower}:{'active' if active else 'all'}"


def reference_ids(model: type[models.Model], *, active: bool = False) -> frozenset[int]:
    """The ids of the table's rows; with `active`, of those whose `is_active` is set."""
    key = _key(model, active)
    ids = cache.get(key)
    if ids is None:
        rows = model._default_manager.filter(is_active=True) if active else model._default_manager.all()
        ids = frozenset(rows.values_list("pk", flat=True))
        cache.set(key, ids, CACHE_SECONDS)
    return ids


def _forget(sender: type[models.Model], **kwargs) -> None:
    cache.delete_many([_key(sender, active=False), _key(sender, active=True)])


def keep_reference_ids_of(*tables: type[models.Model]) -> None:
    for model in tables:
        label = model._meta.label_lower
        post_save.connect(_forget, sender=model, dispatch_uid=f"reference-ids:{label}:save")
        post_delete.connect(_forget, sender=model, dispatch_uid=f"reference-ids:{label}:delete")
