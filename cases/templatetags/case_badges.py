"""The badges every case list repeats on each row, rendered in Python: as template includes
they were most of the time of the leader's queue and the department inbox."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Case, Clock

register = template.Library()


@register.simple_tag
def case_badges(case: Case) -> str:
    badges = [
        (flag, style, label)
        for flag, style, label in (
            (case.is_group, "danger", _("group visit")),
            (case.urgent, "warning", _("urgent")),
            (case.in_litigation, "info", _("in litigation")),
        )
        if flag
    ]
    return format_html(
        '<a href="{}">{}</a>{}',
        reverse("cases:detail", args=[case.pk]),
        case.number,
        format_html_join(
            "", ' <span class="badge text-bg-{}">{}</span>', ((s, label) for _f, s, label in badges)
        ),
    )


@register.simple_tag
def clock_badge(clock: Clock, show_kind: bool = False, today=None) -> str:
    today = today or timezone.localdate()
    left = (clock.due_on - today).days
    due = clock.due_on.isoformat()
    title = f"{clock.get_kind_display()} · {_('due on')} {due}"
    if clock.provisional:
        title += " · " + _(
            "provisional: no holiday data yet for a year on the way, only weekends were skipped"
        )
    if left < 0:
        text = _("overdue since %(date)s") % {"date": due}
    elif left == 0:
        text = _("due today")
    else:
        text = ngettext("%(days)s day left", "%(days)s days left", left) % {"days": left}
    if show_kind:
        text = f"{clock.get_kind_display()}: {text}"
    if clock.provisional:
        text += " · " + _("provisional")
    style = "text-bg-danger" if left <= 3 else "text-bg-light border"
    return format_html('<span class="badge clock {}" title="{}">{}</span>', style, title, text)


@register.simple_tag
def clock_badges(clocks) -> str:
    today = timezone.localdate()
    if not clocks:
        return mark_safe('<span class="text-muted">—</span>')
    return format_html_join(
        " ", "{}", ((clock_badge(clock, show_kind=True, today=today),) for clock in clocks)
    )
