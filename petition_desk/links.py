"""Links to the pages of many objects of one kind, without `reverse()` for each of them.

`{% link_to 'cases:detail' case.pk %}` gives what `{% url 'cases:detail' case.pk %}` gives. Django's
`reverse()` took 35–47 µs here (it asks for the active language three times, for the URLconf and
the script prefix once each, and matches the route's pattern anew); the look-up reverses a link
for each case it offers on every keystroke, the desk page one for each of its rows. For a route
whose only argument is an object's integer id, the addresses of two objects differ in that id
alone: so the route is reversed once for an id no object has, in the URLconf, script prefix and
language of the moment, and each object's address is that one with its own id in its place.

Only for routes of that kind: an id taken by an unbounded `<int:…>` (a bounded pattern refuses the
sample id, and a converter that writes the id otherwise is refused when first looked up), in a
namespace included once (`{% url %}` picks among several instances by the current app; this does
not). A template library of the project's (TEMPLATES' "libraries" in the settings):
`{% load links %}`; Python that renders rows itself takes `links_to`.
"""

import functools
from collections.abc import Callable

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

register = template.Library()

# Put in the route's place for the id, then replaced: digits only, as an id is, and long enough
# that no route or script prefix holds it.
_SAMPLE_ID = 918273645546372819
# The key of the routes looked up in a template's rendering (its render_context).
_RENDERED = "petition_desk.links"


@register.simple_tag(takes_context=True)
def link_to(context, viewname: str, pk: int) -> str:
    """The address of the page `viewname` shows for the object `pk`: reverse(viewname, args=[pk]).
    Within one rendering of a template the route is looked up once: asking for the URLconf, the
    script prefix and the language cost more than the rest. (So a `{% language %}` block does not
    change the links inside it; no route of this site is translated.)"""
    known = context.render_context.get(_RENDERED)
    if known is None:
        known = context.render_context[_RENDERED] = {}
    address = known.get(viewname)
    if address is None:
        address = known[viewname] = links_to(viewname)
    return address(pk)


def links_to(viewname: str) -> Callable[[int], str]:
    """For Python that renders many rows: the addresses `viewname` gives objects by their ids,
    looked up once, as `{% link_to %}` does within a rendering."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    before, after = _around_id(viewname, urlconf, get_script_prefix(), get_language())

    def address(pk: int) -> str:
        if type(pk) is not int or pk < 0:
            # What {% url %} refuses (a bool, a fraction, a negative number), reverse() refuses too.
            return reverse(viewname, args=[pk])
        return f"{before}{pk}{after}"

    return address


@functools.lru_cache(maxsize=128)
def _around_id(viewname: str, urlconf: str, script_prefix: str, language: str | None) -> tuple[str, str]:
    # The script prefix and the language are the current ones, which reverse() reads itself: they
    # are in the key so that an address is never lent to another prefix or language.
    before, _sample, after = reverse(viewname, urlconf=urlconf, args=[_SAMPLE_ID]).partition(str(_SAMPLE_ID))
    # A route that writes its id otherwise than as its digits (a converter of its own) would get
    # wrong links: checked once, against reverse() itself.
    if reverse(viewname, urlconf=urlconf, args=[7]) != f"{before}7{after}":
        raise ValueError(f"{viewname} does not write its id as its digits: link it with {{% url %}}.")
    return before, after
