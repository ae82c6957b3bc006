"""The cases the repeat look-up offers for the organisation typed, rendered in Python: it answers
every keystroke, and as template markup its five cards were two fifths of that answer's work
(bench/README.md, session 19), each variable of each card resolved by the template engine. Every
value is escaped with the standard library's `html.escape`, which gives what Django's `escape`
gives (`&`, `<`, `>`, `"` and `'` as entities); Django's own passed each value through its checks
for lazy text first, and took four times as long."""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cases.models import Case
from petition_desk.links import links_to

register = template.Library()


@register.simple_tag
def matter_cards(cases: list[Case]) -> str:
    """The cards of `cases`, each with its `link_label` (intake.views.lookup)."""
    address = links_to("cases:detail")
    group = f' <span class="badge text-bg-danger">{escape(pgettext("visit badge", "group"))}</span>'
    link = escape(_("Link as repeat visit"))
    return mark_safe(
        "\n".join(
            '<div class="card matter-case mb-2"><div class="card-body p-2 small">'
            f'<a href="{escape(address(case.pk))}" target="_blank">{escape(case.number)}</a>'
            f" · {escape(case.status_label)} · {escape(str(case.place))} · {case.registered_on.isoformat()}"
            f"{group if case.is_group else ''}"
            f"<div>{escape(case.organisation)}</div>"
            f'<div class="text-truncate">{escape(case.request)}</div>'
            '<button type="button" class="btn btn-sm btn-warning link-case"'
            f' data-case="{case.pk}" data-number="{escape(case.number)}"'
            f' aria-label="{escape(case.link_label)}">{link}</button></div></div>'
            for case in cases
        )
    )
