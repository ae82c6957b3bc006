"""The badges every case list repeats on each row, rendered in Python: as template includes
they were most of the time of the leader's queue and the department inbox."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..models import Case, Clock

register = template.Library()


# Labels are translated only for the flags a case has: most rows have none.
FLAGS = (
    ("is_group", "danger", gettext_lazy("group visit")),
    ("urgent", "warning", gettext_lazy("urgent")),
    ("in_litigation", "info", gettext_lazy("in litigation")),
)


@register.simple_tag
def case_badges(case: Case) -> str:
    badges = [(style, label) for flag, style, label in FLAGS if getattr(case, flag)]
    return format_html(
        '<a href="{}">{}</a>{}',
        reverse("cases:detail", args=[case.pk]),
        case.number,
        format_html_join("", ' <span class="badge text-bg-{}">{}</span>', badges),
    )


@register.simple_tag
def clock_badge(clock: Clock, show_kind: bool = False, today=None) -> str:
    today = today or timezone.localdate()
    left = (clock.due_on - today).days
    due = clock.due_on.isoformat()
    kind = clock.kind_label
    title = _("%(kind)s · due on %(date)s") % {"kind": kind, "date": due}
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
        text = f"{kind}: {text}"
    if clock.provisional:
        text += " · " + _("provisional")
    style = "text-bg-danger" if left <= 3 else "text-bg-light border"
    # The due date in words too: a tooltip is out of reach of the keyboard and a screen reader.
    return format_html(
        '<span class="badge clock {}" title="{}">{}<span class="visually-hidden"> ({})</span></span>',
        style,
        title,
        text,
        title,
    )


@register.simple_tag
def clock_badges(clocks) -> str:
    today = timezone.localdate()
    if not clocks:
        return mark_safe('<span class="text-muted">—</span>')
    return format_html_join(
        " ", "{}", ((clock_badge(clock, show_kind=True, today=today),) for clock in clocks)
    )
