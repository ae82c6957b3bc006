"""The leaders' statistics dashboard (issue 4 §3): the figures of `cases.statistics` for a day, a
week, a month or any range, each chart beside the table of the same figures, and a print view for
A4. It is read by whoever may read `GET /api/v1/stats/summary/`."""

import calendar
import datetime
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.api import reads_intake
from petition_desk.validators import validate_record_date

from .. import selectors
from ..models import Satisfaction
from ..statistics import CountRow, Measure, OnTime, Period, SatisfactionRow, Summary, period_error, summary

DAY = datetime.timedelta(days=1)
DATE_INPUT = forms.DateInput(
    attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
)
DEFAULT_PRESET = "this_month"
# Bootstrap's success, warning and danger: a leader reads dissatisfaction as red at a glance.
RATING_COLOURS = {
    Satisfaction.SATISFIED: "#198754",
    Satisfaction.BASICALLY_SATISFIED: "#ffc107",
    Satisfaction.DISSATISFIED: "#dc3545",
}


class PeriodForm(forms.Form):
    to = forms.DateField(label=_("To"), widget=DATE_INPUT, validators=[validate_record_date])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # `from`, as in the API, is a Python keyword: it cannot be declared as a class attribute.
        self.fields["from"] = forms.DateField(
            label=_("From"), widget=DATE_INPUT, validators=[validate_record_date]
        )
        self.order_fields(["from", "to"])

    def clean(self):
        cleaned = super().clean()
        if "from" in cleaned and "to" in cleaned:
            error = period_error(cleaned["from"], cleaned["to"])
            if error:
                self.add_error("to", error)
        return cleaned

    @property
    def period(self) -> Period:
        return Period(start=self.cleaned_data["from"], end=self.cleaned_data["to"])


def _query(period: Period, **extra) -> str:
    return urlencode({"from": period.start.isoformat(), "to": period.end.isoformat(), **extra})


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    period: Period

    @property
    def query(self) -> str:
        return _query(self.period)


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def presets(today: datetime.date) -> list[Preset]:
    """The periods leaders ask for most; a week runs Monday to Sunday."""
    monday = today - datetime.timedelta(days=today.weekday())
    last_month_end = today.replace(day=1) - DAY
    return [
        Preset("today", _("Today"), Period(start=today, end=today)),
        Preset("yesterday", _("Yesterday"), Period(start=today - DAY, end=today - DAY)),
        Preset("this_week", _("This week"), Period(start=monday, end=monday + 6 * DAY)),
        Preset("last_week", _("Last week"), Period(start=monday - 7 * DAY, end=monday - DAY)),
        Preset("this_month", _("This month"), Period(start=today.replace(day=1), end=_month_end(today))),
        Preset(
            "last_month", _("Last month"), Period(start=last_month_end.replace(day=1), end=last_month_end)
        ),
    ]


def neighbours(period: Period) -> tuple[Period, Period]:
    """The period before and the one after: the calendar month around a calendar month, else as
    many days."""
    if period.start.day == 1 and period.end == _month_end(period.start):
        before, after = period.start - DAY, period.end + DAY
        return Period(start=before.replace(day=1), end=before), Period(start=after, end=_month_end(after))
    length = period.end - period.start + DAY
    return (
        Period(start=period.start - length, end=period.end - length),
        Period(start=period.start + length, end=period.end + length),
    )


def _percent(figures: OnTime) -> str:
    return f"{figures.rate:.1%}" if figures.clocks else "—"


def _count_chart(rows: list[CountRow], kind: str) -> dict:
    return {
        "type": kind,
        "categories": [row.name for row in rows],
        "series": [{"name": _("New cases"), "data": [row.cases for row in rows]}],
    }


# The figure, its title, the heading of its names' column, the chart drawn.
COUNT_SECTIONS = (
    ("by_category", _("New cases by category"), _("Category"), "pie"),
    ("by_subject_area", _("New cases by subject area"), _("Subject area"), "hbar"),
    ("by_place", _("New cases by place"), _("Place"), "hbar"),
    ("by_department", _("New cases by receiving department"), _("Department"), "hbar"),
)


def _on_time_table(figures: Summary) -> list[dict]:
    rows = [{"name": row.department_name, "measures": row.measures} for row in figures.on_time]
    if rows:
        rows.append({"name": _("Whole bureau"), "measures": figures.on_time_whole_bureau, "total": True})
    for row in rows:
        row["cells"] = [
            {"figures": row["measures"][measure], "percent": _percent(row["measures"][measure])}
            for measure in Measure.values
        ]
    return rows


def _on_time_chart(rows: list[dict]) -> dict:
    def percent(figures: OnTime) -> float | None:
        # Nothing to count is no bar at all, not a bar at 0 %.
        return round(figures.rate * 100, 1) if figures.clocks else None

    return {
        "type": "hbar",
        "percent": True,
        "categories": [row["name"] for row in rows],
        "series": [
            {"name": label, "data": [percent(row["measures"][measure]) for row in rows]}
            for measure, label in Measure.choices
        ],
    }


def _satisfaction_chart(rows: list[SatisfactionRow]) -> dict:
    return {
        "type": "hbar",
        "stack": True,
        "categories": [row.department_name for row in rows],
        "series": [
            {"name": label, "data": [getattr(row, rating) for row in rows], "color": RATING_COLOURS[rating]}
            for rating, label in Satisfaction.choices
        ],
    }


def figures_context(figures: Summary) -> dict:
    """What the dashboard and its print view show: the tables, and for `json_script` the charts'
    data, the same figures; a chart with nothing to draw is left out."""
    visits = figures.visits
    on_time = _on_time_table(figures)
    counts = [
        {"key": key, "title": title, "name_label": name_label, "rows": getattr(figures, key), "kind": kind}
        for key, title, name_label, kind in COUNT_SECTIONS
    ]
    charts = {
        "visits": {
            "type": "bar",
            "categories": [_("Ordinary visits"), _("Group visits")],
            "series": [
                {"name": _("Batches"), "data": [visits.ordinary_batches, visits.group_batches]},
                {"name": _("Persons"), "data": [visits.ordinary_persons, visits.group_persons]},
            ],
        },
        **{
            section["key"]: _count_chart(section["rows"], section["kind"])
            for section in counts
            if section["rows"]
        },
    }
    if on_time:
        charts["on_time"] = _on_time_chart(on_time)
    if figures.satisfaction:
        charts["satisfaction"] = _satisfaction_chart(figures.satisfaction)
    return {
        "figures": figures,
        "repeat_rate": f"{visits.repeat_rate:.1%}",
        "counts": counts,
        "measures": Measure.choices,
        "on_time": on_time,
        "satisfaction": [{"row": row, "percent": f"{row.rate:.1%}"} for row in figures.satisfaction],
        "charts": charts,
    }


@require_GET
def dashboard(request):
    # The same readers as the API's StatisticsAccess: the window, leaders and administrators.
    if not reads_intake(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    choices = presets(today)
    if "from" in request.GET or "to" in request.GET:
        form = PeriodForm(request.GET)
    else:
        default = next(preset.period for preset in choices if preset.key == DEFAULT_PRESET)
        form = PeriodForm({"from": default.start, "to": default.end})
    context = {"form": form, "presets": choices, "bureau_name": settings.BUREAU_NAME, "today": today}
    if form.is_valid():
        period = form.period
        before, after = neighbours(period)
        context |= {
            "period": period,
            "query": _query(period),
            "print_query": _query(period, print=1),
            "before_query": _query(before),
            "after_query": _query(after),
            **figures_context(summary(period, today=today)),
        }
    if request.GET.get("print") == "1":
        return render(request, "cases/dashboard_print.html", context)
    if request.user.is_leader:
        context["tab_counts"] = selectors.leader_tab_counts()
    return render(request, "cases/dashboard.html", {"tab": "dashboard", **context})
