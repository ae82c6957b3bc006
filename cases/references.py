"""The ids of the small reference tables a registration names (windows, categories, subject areas,
places). They change a few times a year and are checked on every registration, so they are read
from the shared cache (petition_desk.table_cache).

A registration checks four of them, one a second time in the service. Within a request they are
fetched from the cache together, once (the middleware `read_once_per_request`): each fetch is a
round trip to Redis, and five of them took longer than the checks they serve. The sets fetched are
kept by the process for a second (PROCESS_SECONDS) and lent to the requests it serves meanwhile:
even one fetch a registration, with redis-py's encoding and parsing of five keys, was a
twentieth of the web's work (bench/README.md, session 19). A row saved or deleted through the ORM
shows in the process that saved it from the first request after the commit, in the others within
that second. A change the signals do not see, or made while Redis could not be told, shows once
the cached sets expire (CACHE_SECONDS), as before."""

from functools import partial
from time import monotonic
from types import SimpleNamespace

from asgiref.local import Local
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

from petition_desk.table_cache import CACHE_SECONDS, forget_when_changed

# How long a process lends the sets it fetched before asking the cache again.
PROCESS_SECONDS = 1.0

# The cache key of every table kept, with what it holds.
_KEPT: dict[str, tuple[type[models.Model], bool]] = {}
# `ids` is the current request's copy of the cached sets, empty until the first call fetches them
# all; None outside a request (a Celery task, the shell), where every call asks the cache.
_request = Local()
# The process's copy: until when it is lent, and the sets last fetched together. One tuple,
# replaced whole: the threads of a worker read it without a lock. `generation` counts the
# changes: sets fetched across one are not lent.
_process = SimpleNamespace(copy=(0.0, {}), generation=0)


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
        known.update(_fetched_together())
    if key not in known:  # a table not kept (keep_reference_ids_of)
        known[key] = cache.get_or_set(key, lambda: _read(model, active), CACHE_SECONDS)
    return known[key]


def _fetched_together() -> dict[str, frozenset[int]]:
    now = monotonic()
    until, ids = _process.copy
    if now >= until:
        # A change may be committed while these are fetched: they are then this request's only.
        generation = _process.generation
        ids = cache.get_many(list(_KEPT))
        for key, (model, active) in _KEPT.items():
            if key not in ids:  # not in the cache: read and cached
                ids[key] = cache.get_or_set(key, partial(_read, model, active), CACHE_SECONDS)
        if _process.generation == generation:
            _process.copy = (now + PROCESS_SECONDS, ids)
    return ids


def forget_process_copy() -> None:
    """The next request of this process asks the cache again (a row changed; a test begins)."""
    _process.generation += 1
    _process.copy = (0.0, {})


def _forget_after_commit(sender, **kwargs) -> None:
    # Until the commit other requests read the rows as they were, and may fetch them again.
    transaction.on_commit(forget_process_copy)


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
        kept = {_key(model, active=False): (model, False)}
        if any(field.name == "is_active" for field in model._meta.fields):
            kept[_key(model, active=True)] = (model, True)
        _KEPT.update(kept)
        forget_when_changed(list(kept), model)
        for signal, kind in ((post_save, "save"), (post_delete, "delete")):
            uid = f"reference-ids-process-copy:{model._meta.label_lower}:{kind}"
            signal.connect(_forget_after_commit, sender=model, weak=False, dispatch_uid=uid)
