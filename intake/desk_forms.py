"""The window desk's empty forms, rendered once and kept in the cache.

crispy-forms spends about 70 % of the desk page's time rendering its four unbound forms (the
visit, the first person, the person row the page copies for a group, the case), and they are the
same for every receptionist at a window in a language until the reference data changes. The
cache key carries all of that: the language, the window preselected, and a digest of every
choice the forms offer, so a category renamed in the admin shows on the next page. The digest is
itself cached until a row of the tables offered changes (petition_desk.table_cache): reading the
four tables for it on every page was three quarters of the forms' time."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from crispy_forms.utils import render_crispy_form
from django import forms
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import get_language

from intake import forms as intake_forms
from petition_desk.table_cache import CACHE_SECONDS as CHOICES_CACHE_SECONDS
from petition_desk.table_cache import forget_when_changed

CACHE_SECONDS = 3600
CHOICES_KEY = "desk-forms:choices"
# The forms' code and this module's in the key too: after an upgrade that changes them, the cache
# (Redis outlives the web's processes) would serve the old forms, or an old RenderedDeskForms
# without a field the template now reads, for up to an hour.
CODE_DIGEST = hashlib.sha256(
    Path(intake_forms.__file__).read_bytes() + Path(__file__).read_bytes()
).hexdigest()[:12]
# The tables whose rows the forms offer; keep_choices_cached forgets the digest when one changes.
_OFFERED: set[type] = set()


@dataclass(frozen=True)
class RenderedDeskForms:
    visit: str
    management: str  # the people formset's hidden counts, the same for every empty desk
    people: list[str]
    person_template: str
    case: str


def keep_choices_cached(*tables: type) -> None:
    _OFFERED.update(tables)
    forget_when_changed([CHOICES_KEY], *tables)


def _choices_digest(*desk_forms: forms.Form) -> str:
    digest = hashlib.sha256()
    for form in desk_forms:
        for name, field in form.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            if queryset.model not in _OFFERED:
                raise ImproperlyConfigured(
                    f"The desk's {name} field offers {queryset.model.__name__} rows: pass the model "
                    "to keep_choices_cached, or the forms will not follow its changes."
                )
            digest.update(repr((name, [(choice.pk, str(choice)) for choice in queryset])).encode())
    return digest.hexdigest()[:32]


def rendered_desk_forms(visit_form: forms.Form, people: forms.BaseFormSet, case_form: forms.Form):
    """The unbound forms' HTML, from the cache when another page rendered the same."""
    window = visit_form.initial.get("window")
    key = ":".join(
        [
            "desk-forms",
            CODE_DIGEST,
            get_language(),
            str(window.pk if window else ""),
            cache.get_or_set(
                CHOICES_KEY,
                lambda: _choices_digest(visit_form, people.empty_form, case_form),
                CHOICES_CACHE_SECONDS,
            ),
        ]
    )
    rendered = cache.get(key)
    if rendered is None:
        rendered = RenderedDeskForms(
            visit=render_crispy_form(visit_form),
            management=str(people.management_form),
            people=[render_crispy_form(form) for form in people],
            person_template=render_crispy_form(people.empty_form),
            case=render_crispy_form(case_form),
        )
        cache.set(key, rendered, CACHE_SECONDS)
    return rendered
