"""The ids of the small reference tables a registration names (windows, categories, subject areas,
places). They change a few times a year and are checked on every registration, so they are read
from the shared cache (petition_desk.table_cache)."""

from django.core.cache import cache
from django.db import models

from petition_desk.table_cache import CACHE_SECONDS, forget_when_changed


def _key(model: type[models.Model], active: bool) -> str:
    return f"reference-ids:{model._meta.label_lower}:{'active' if active else 'all'}"


def reference_ids(model: type[models.Model], *, active: bool = False) -> frozenset[int]:
    """The ids of the table's rows; with `active`, of those whose `is_active` is set."""

    def read() -> frozenset[int]:
        rows = model._default_manager.filter(is_active=True) if active else model._default_manager.all()
        return frozenset(rows.values_list("pk", flat=True))

    return cache.get_or_set(_key(model, active), read, CACHE_SECONDS)


def keep_reference_ids_of(*tables: type[models.Model]) -> None:
    for model in tables:
        forget_when_changed([_key(model, active=False), _key(model, active=True)], model)
