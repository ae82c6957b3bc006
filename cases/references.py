"""The ids of the small reference tables a registration names (windows, categories, subject areas,
places). They change a few times a year and are checked on every registration, so they are read
from the shared cache (petition_desk.table_cache).

A registration checks four of them, one a second time in the service. Within a request they are
fetched from the cache together, once (the middleware `read_once_per_request`): each fetch is a
round trip to Redis, and five of them took longer than the checks they serve. A change made during
a request shows from the next one."""

from asgiref.local import Local
from django.core.cache import cache
from django.db import models

from petition_desk.table_cache import CACHE_SECONDS, forget_when_changed

# The cache keys of every table kept.
_KEPT: set[str] = set()
# `ids` is the current request's copy of the cached sets, empty until the first call fetches them
# all; None outside a request (a Celery task, the shell), where every call asks the cache.
_request = Local()


def _key(model: type[models.Model], active: bool) -> str:
    return f"reference-ids:{model._meta.label_lower}:{'active' if active else 'all'}"


def _read(model: type[models.Model], active: bool) -> frozenset[int]:
    rows = model._default_manager.filter(is_active=True) if active else model._default_manager.all()
    return frozenset(rows.values_list("pk", flat=True))


def reference_ids(model: type[models.Model], *, active: bool = False) -> frozenset[int]:
    """The ids of the table's rows; with `active`, of those whose `is_active` is set."""
    key = _key(model, active)
    known = getattr(_request, "ids", None)
    if known is None:
        return cache.get_or_set(key, lambda: _read(model, active), CACHE_SECONDS)
    if not known:
        known.update(cache.get_many(list(_KEPT)))
    if key not in known:  # not in the cache: read, cached, and `known` is no longer empty
        known[key] = cache.get_or_set(key, lambda: _read(model, active), CACHE_SECONDS)
    return known[key]


def read_once_per_request(get_response):
    """Middleware: the reference ids a request uses are fetched from the cache once."""

    def middleware(request):
        _request.ids = {}
        try:
            return get_response(request)
        finally:
            _request.ids = None

    return middleware


def keep_reference_ids_of(*tables: type[models.Model]) -> None:
    for model in tables:
        keys = [_key(model, active=False)]
        if any(field.name == "is_active" for field in model._meta.fields):
            keys.append(_key(model, active=True))
        _KEPT.update(keys)
        forget_when_changed(keys, model)
