"""The leaders' statistics dashboard: the period chooser, the tables (the figures readable without
JavaScript), the charts' data, the print view and who may open it."""

import datetime
import json
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.html import escape

from cases.statistics import Period
from cases.views.dashboard import neighbours, presets
from tests.cases.test_statistics import seed_march
from tests.factories import UserFactory
from tests.queries import session_queries

pytestmark = [pytest.mark.django_db]

URL = "/cases/dashboard/"
MARCH = {"from": "2025-03-01", "to": "2025-03-31"}


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def march(receptionist, leader, reference):
    return seed_march(receptionist=receptionist, leader=leader, reference=reference)


@pytest.fixture
def leader_client(leader):
    return client_for(leader)


class _Tables(HTMLParser):
    """The text of each cell of each table marked `data-table`, row by row, and each key figure."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.figures: dict[str, str] = {}
        self._table = self._figure = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self._table = self.tables.setdefault(attrs["data-table"], [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []
        elif tag == "dd" and "data-figure" in attrs:
            self._figure = attrs["data-figure"]
            self.figures[self._figure] = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None:
            self._table[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "dd":
            self._figure = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._figure is not None:
            self.figures[self._figure] += data


def read(response) -> _Tables:
    page = _Tables()
    page.feed(response.content.decode())
    page.figures = {key: " ".join(value.split()) for key, value in page.figures.items()}
    return page


def charts(response) -> dict:
    found = re.search(
        r'<script id="dashboard-charts" type="application/json">(.*?)</script>', response.content.decode()
    )
    return json.loads(found.group(1))


def test_presets_are_the_days_weeks_and_months_around_today():
    # A Wednesday, so that this week began in February.
    choices = {preset.key: preset.period for preset in presets(datetime.date(2025, 3, 5))}

    assert choices == {
        "today": Period(datetime.date(2025, 3, 5), datetime.date(2025, 3, 5)),
        "yesterday": Period(datetime.date(2025, 3, 4), datetime.date(2025, 3, 4)),
        "this_week": Period(datetime.date(2025, 3, 3), datetime.date(2025, 3, 9)),
        "last_week": Period(datetime.date(2025, 2, 24), datetime.date(2025, 3, 2)),
        "this_month": Period(datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)),
        "last_month": Period(datetime.date(2025, 2, 1), datetime.date(2025, 2, 28)),
    }


def test_on_new_years_day_last_month_and_yesterday_are_last_year():
    choices = {preset.key: preset.period for preset in presets(datetime.date(2025, 1, 1))}

    assert choices["yesterday"] == Period(datetime.date(2024, 12, 31), datetime.date(2024, 12, 31))
    assert choices["last_week"] == Period(datetime.date(2024, 12, 23), datetime.date(2024, 12, 29))
    assert choices["last_month"] == Period(datetime.date(2024, 12, 1), datetime.date(2024, 12, 31))


@pytest.mark.parametrize(
    ("period", "before", "after"),
    [
        # A calendar month steps by calendar months, February's 28 days included.
        (("2025-03-01", "2025-03-31"), ("2025-02-01", "2025-02-28"), ("2025-04-01", "2025-04-30")),
        # Any other period steps by its own length.
        (("2025-03-03", "2025-03-09"), ("2025-02-24", "2025-03-02"), ("2025-03-10", "2025-03-16")),
        (("2025-03-31", "2025-03-31"), ("2025-03-30", "2025-03-30"), ("2025-04-01", "2025-04-01")),
    ],
)
def test_the_previous_and_next_periods(period, before, after):
    def days(pair):
        return Period(*(datetime.date.fromisoformat(day) for day in pair))

    assert neighbours(days(period)) == (days(before), days(after))


def test_the_month_in_tables_as_counted_by_hand(leader_client, march, django_assert_num_queries):
    # The user (and the session without Redis), the eleven queries of the figures, the leader's two
    # tab badges, the unread notifications badge and the session's renewal (three): none grows
    # with the figures.
    with django_assert_num_queries(18 + session_queries()):
        response = leader_client.get(URL, MARCH)

    assert response.status_code == 200
    page = read(response)
    assert page.figures == {
        "visits": "5 / 37",
        "new_cases": "4",
        "repeat_visits": "1 (repeat rate 20.0%)",
        "overdue": "2",
        "supervision_notices": "2",
    }
    assert page.tables["visits"] == [
        ["", "Batches", "Persons"],
        ["Ordinary visits", "4", "5"],
        ["Group visits", "1", "32"],
        ["Whole bureau", "5", "37"],
    ]
    assert page.tables["by_category"] == [["Category", "Cases"], ["申诉求决", "3"], ["建议意见", "1"]]
    assert page.tables["by_place"] == [["Place", "Cases"], ["盛泽镇", "3"], ["黎里镇", "1"]]
    assert page.tables["by_department"] == [["Department", "Cases"], ["住建局", "2"], ["人社局", "1"]]
    on_time = page.tables["on_time"]
    assert on_time[0] == [
        "Department",
        "Forwarding (15 days)",
        "Receipt notice (15 days)",
        "Acceptance or return (5 working days)",
        "Conclusion (60 days)",
    ]
    assert on_time[2:] == [
        ["人社局", "0/1", "0.0%", "0/1", "0.0%", "0/1", "0.0%", "0/0", "—"],
        ["住建局", "1/1", "100.0%", "1/1", "100.0%", "1/1", "100.0%", "1/2", "50.0%"],
        # The bureau's forwarding also counts B, answered at the window.
        ["Whole bureau", "2/3", "66.7%", "1/2", "50.0%", "1/2", "50.0%", "1/2", "50.0%"],
    ]
    assert page.tables["satisfaction"] == [
        ["Department", "Satisfied", "Basically satisfied", "Dissatisfied", "Rated", "Satisfaction rate"],
        ["住建局", "1", "1", "1", "3", "66.7%"],
    ]


def test_the_charts_draw_the_figures_of_the_tables(leader_client, march):
    response = leader_client.get(URL, MARCH)

    data = charts(response)
    assert data["visits"]["series"] == [
        {"name": "Batches", "data": [4, 1]},
        {"name": "Persons", "data": [5, 32]},
    ]
    assert data["by_category"] == {
        "type": "pie",
        "categories": ["申诉求决", "建议意见"],
        "series": [{"name": "New cases", "data": [3, 1]}],
    }
    assert data["on_time"]["categories"] == ["人社局", "住建局", "Whole bureau"]
    # A rate with nothing to count is no bar at all, not a bar at 0 %.
    assert data["on_time"]["series"][3] == {"name": "Conclusion (60 days)", "data": [None, 50.0, 50.0]}
    assert data["satisfaction"]["series"][2] == {"name": "Dissatisfied", "data": [1], "color": "#dc3545"}
    # Each chart has its container, named for screen readers; the table beside it says the same.
    content = response.content.decode()
    for key in data:
        assert f'data-chart="{key}"' in content
    assert 'role="img" aria-label="Chart: New cases by category"' in content


def test_a_single_day(leader_client, march):
    response = leader_client.get(URL, {"from": "2025-03-31", "to": "2025-03-31"})

    page = read(response)
    assert page.figures["new_cases"] == "1"
    assert page.tables["visits"][1] == ["Ordinary visits", "1", "1"]
    assert re.search(r'id="period-label">\s*March 31, 2025\s*<', response.content.decode())


def test_a_week_with_the_group_visit(leader_client, march):
    response = leader_client.get(URL, {"from": "2025-03-10", "to": "2025-03-16"})

    page = read(response)
    assert page.tables["visits"][1:3] == [["Ordinary visits", "1", "2"], ["Group visits", "1", "32"]]
    assert page.figures["new_cases"] == "2"
    assert re.search(r"March 10, 2025 – March 16, 2025", response.content.decode())


def test_any_range_across_months(leader_client, march):
    response = leader_client.get(URL, {"from": "2025-02-28", "to": "2025-04-01"})

    page = read(response)
    assert page.figures["new_cases"] == "6"
    assert page.tables["by_department"][1:] == [["住建局", "4"], ["人社局", "1"]]


def test_an_empty_period_says_so_instead_of_drawing_nothing(leader_client, march):
    response = leader_client.get(URL, {"from": "2024-01-01", "to": "2024-01-31"})

    page = read(response)
    assert page.figures["new_cases"] == "0"
    assert set(page.tables) == {"visits"}
    assert response.content.decode().count("None in this period.") == 6
    assert set(charts(response)) == {"visits"}


def test_without_a_period_the_page_shows_this_month(leader_client):
    today = timezone.localdate()
    this_month = next(preset for preset in presets(today) if preset.key == "this_month")

    response = leader_client.get(URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert f'value="{this_month.period.start.isoformat()}"' in content
    assert f'value="{this_month.period.end.isoformat()}"' in content
    # Every preset is a link to its period; the one shown is marked.
    for preset in presets(today):
        assert f'href="?{escape(preset.query)}"' in content
    assert f'active" aria-current="true" href="?{escape(this_month.query)}">This month<' in content


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2025-03-31", "to": "2025-03-01"}, "To: The last day cannot be before the first."),
        ({"from": "2024-01-01", "to": "2025-01-01"}, "To: A period is at most 366 days long."),
        ({"from": "2025-02-30", "to": "2025-03-31"}, "From: Enter a valid date."),
        ({"from": "2025-03-01"}, "To: This field is required."),
    ],
)
def test_a_bad_period_is_explained_and_no_figures_are_shown(leader_client, query, message):
    response = leader_client.get(URL, query)

    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert 'aria-invalid="true"' in content
    assert "data-figure" not in content
    assert "dashboard-charts" not in content
    assert "echarts" not in content


def test_a_year_of_366_days_is_one_period(leader_client):
    response = leader_client.get(URL, {"from": "2024-01-01", "to": "2024-12-31"})

    assert read(response).figures["new_cases"] == "0"


def test_the_print_view_has_the_bureau_and_the_period_and_no_navigation(leader_client, march):
    with override_settings(BUREAU_NAME="吴江区信访局"):
        response = leader_client.get(URL, {**MARCH, "print": "1"})

    content = response.content.decode()
    assert "<title>吴江区信访局 · Petition statistics</title>" in content
    assert re.search(r"<h1[^>]*>吴江区信访局 · Petition statistics</h1>", content)
    assert re.search(r"Period: March 1, 2025 – March 31, 2025", content)
    assert "navbar" not in content and "nav-tabs" not in content
    assert read(response).tables["by_category"] == [
        ["Category", "Cases"],
        ["申诉求决", "3"],
        ["建议意见", "1"],
    ]
    assert set(charts(response)) >= {"visits", "by_category", "on_time", "satisfaction"}
    assert 'href="/cases/dashboard/?from=2025-03-01&amp;to=2025-03-31"' in content


def test_the_dashboard_links_to_its_print_view_of_the_same_period(leader_client, march):
    content = leader_client.get(URL, MARCH).content.decode()

    assert 'href="?from=2025-03-01&amp;to=2025-03-31&amp;print=1"' in content
    assert 'href="?from=2025-02-01&amp;to=2025-02-28" rel="prev"' in content
    assert 'href="?from=2025-04-01&amp;to=2025-04-30" rel="next"' in content


def test_charts_come_from_our_own_static_files(leader_client, march):
    content = leader_client.get(URL, MARCH).content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', content)

    assert f"{settings.STATIC_URL}vendor/echarts/echarts.min.js" in scripts
    assert f"{settings.STATIC_URL}js/dashboard.js" in scripts
    assert all(src.startswith(settings.STATIC_URL) for src in scripts)
    # Inline scripts carry no figures: those travel as JSON data.
    assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", content) == []
    assert leader_client.get(f"{settings.STATIC_URL}vendor/echarts/echarts.min.js").status_code == 200


def test_the_leader_finds_it_among_the_leaders_tabs(leader_client):
    content = leader_client.get(URL).content.decode()

    assert re.search(
        r'class="nav-link active" aria-current="page" href="/cases/dashboard/">Statistics<', content
    )


@pytest.mark.parametrize("role", ["receptionist", "administrator"])
def test_the_window_and_administrators_read_it_too_without_the_leaders_tabs(role):
    response = client_for(UserFactory(role=role)).get(URL, MARCH)

    assert response.status_code == 200
    assert "nav-tabs" not in response.content.decode()
    # Their way in is the navigation bar's link.
    assert 'class="nav-link" href="/cases/dashboard/">Statistics<' in response.content.decode()


def test_department_staff_may_not_read_the_bureaus_figures(department_user):
    assert client_for(department_user).get(URL, MARCH).status_code == 403
    assert client_for(department_user).get(URL, {**MARCH, "print": "1"}).status_code == 403


def test_anonymous_is_sent_to_log_in():
    response = Client().get(URL, MARCH)

    assert response.status_code == 302
    assert response.url.startswith("/login/?next=/cases/dashboard/")


def test_a_wrong_period_is_marked_beside_the_date_it_is_about(leader_client):
    response = leader_client.get(URL, {"from": "2025-03-31", "to": "2025-03-01"})

    # the message under the "To" field, which it describes (crispy-forms' rendering), once
    page = response.content.decode()
    field = re.search(r'<input type="date" name="to"[^>]*>', page).group()
    assert 'aria-invalid="true"' in field and 'aria-describedby="id_to_error"' in field
    feedback = re.search(r'<div id="id_to_error" class="invalid-feedback">(.*?)</div>', page, re.S).group(1)
    assert "The last day cannot be before the first." in feedback
    assert page.count('id="id_to_error"') == 1


@pytest.mark.parametrize("query", [{"from": "bad"}, {"from": "2026-02-30", "to": "2026-03-31"}])
def test_a_from_that_is_no_date_is_explained_under_it_in_chinese_by_default(leader, query):
    """A date field cannot show `bad` or 30 February, so the browser shows it empty: the message
    under it says why, and no figures stand for a period nobody chose."""
    browser = Client()
    browser.force_login(leader)

    page = browser.get(URL, query).content.decode()

    feedback = re.search(r'<div id="id_from_error" class="invalid-feedback">(.*?)</div>', page, re.S).group(1)
    assert "输入一个有效的日期。" in feedback
    assert "data-figure" not in page
