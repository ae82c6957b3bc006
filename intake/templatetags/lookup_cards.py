"""The repeat look-up's cards, rendered in Python: the look-up answers every keystroke, and as
template markup its cards were a fifth of a known person's look-up and two fifths of one that
offers an organisation's five cases (bench/README.md, session 19), each variable of each card
resolved by the template engine. Every text is escaped with the standard library's
`html.escape`, which gives what Django's `escape` gives (`&`, `<`, `>`, `"` and `'` as
entities); ids and dates go in as their digits. Through `format_html`, which passes each value
through Django's checks for lazy text first, the offered cases' cards cost twice as much."""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cases.models import Case
from intake.models import Petitioner
from petition_desk.links import links_to

register = template.Library()


@register.simple_tag
def candidate_cards(candidates: list[Petitioner]) -> str:
    """The cards of the people who may have come before (intake.selectors.repeat_candidates).
    Their buttons say whom and which case they take, for a screen reader: two people of one name
    are told apart by their masked ID numbers and their places in the list."""
    person_address, case_address = links_to("intake:petitioner"), links_to("cases:detail")
    earlier, choose = escape(_("Earlier visits")), _("This is the person")
    in_progress, link = escape(_("Case in progress")), _("Link as repeat visit")
    cards = []
    for number, person in enumerate(candidates, 1):
        contacts = "".join(
            f"<div>{escape(contact.kind_label)} {escape(contact.value)}"
            + (f" ({escape(contact.relation_label)})" if contact.relation != "self" else "")
            + "</div>"
            for contact in person.shown_contacts
        )
        visits = "; ".join(
            f"{visit.visited_on.isoformat()} {escape(visit.case.number)}" for visit in person.recent_visits
        )
        cases = "".join(
            f'<div class="mt-1 border-top pt-1">{in_progress} '
            f'<a href="{escape(case_address(case.pk))}" target="_blank">{escape(case.number)}</a>'
            f" · {escape(case.status_label)} · {escape(str(case.place))}"
            f'<div class="text-truncate">{escape(case.request)}</div>'
            f"{_link_button(case, link, whose=person.name)}</div>"
            for case in person.open_cases
        )
        cards.append(
            f'<div class="card candidate mb-2" data-petitioner="{person.pk}"'
            f' data-name="{escape(person.name)}">'
            '<div class="card-body p-2 small"><div class="d-flex justify-content-between">'
            f'<strong><a href="{escape(person_address(person.pk))}" target="_blank">{escape(person.name)}</a>'
            f'</strong><span class="text-muted">{escape(person.id_number_masked)}</span></div>'
            f"{contacts}"
            + (f'<div class="mt-1">{earlier}: {visits}</div>' if visits else "")
            + '<button type="button" class="btn btn-sm btn-outline-primary mt-1 choose-person"'
            f' aria-label="{escape(f"{choose}: {person.name} {person.id_number_masked} ({number})")}">'
            f"{escape(choose)}</button>"
            f"{cases}</div></div>"
        )
    return mark_safe("\n".join(cards))


@register.simple_tag
def matter_cards(cases: list[Case]) -> str:
    """The cards of the open cases about the organisation typed (intake.selectors.matter_candidates)."""
    address = links_to("cases:detail")
    group = f' <span class="badge text-bg-danger">{escape(pgettext("visit badge", "group"))}</span>'
    link = _("Link as repeat visit")
    return mark_safe(
        "\n".join(
            '<div class="card matter-case mb-2"><div class="card-body p-2 small">'
            f'<a href="{escape(address(case.pk))}" target="_blank">{escape(case.number)}</a>'
            f" · {escape(case.status_label)} · {escape(str(case.place))} · {case.registered_on.isoformat()}"
            f"{group if case.is_group else ''}"
            f"<div>{escape(case.organisation)}</div>"
            f'<div class="text-truncate">{escape(case.request)}</div>'
            f"{_link_button(case, link, whose=case.organisation)}</div></div>"
            for case in cases
        )
    )


def _link_button(case: Case, text: str, *, whose: str) -> str:
    return (
        '<button type="button" class="btn btn-sm btn-warning link-case"'
        f' data-case="{case.pk}" data-number="{escape(case.number)}"'
        f' aria-label="{escape(f"{text}: {case.number} ({whose})")}">{escape(text)}</button>'
    )
