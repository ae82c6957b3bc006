import datetime

import pytest
from django.utils import timezone

from intake.models import TallySnapshot
from intake.services import tally_snapshot_take
from tests.api.conftest import local
from tests.factories import UserFactory, WindowFactory

URL = "/api/v1/stats/daily/"
DAY = datetime.date(2025, 3, 3)


def figures(*, ordinary, group, new_cases, repeats):
    return {
        "ordinary": {"batches": ordinary[0], "persons": ordinary[1]},
        "group": {"batches": group[0], "persons": group[1]},
        "new_cases": new_cases,
        "repeats": repeats,
    }


@pytest.fixture
def first_day(make_visit):
    """The story's day: seven ordinary batches at window 1 (one a couple, one a repeat), and at
    15:00 a group of 32 workers at window 2, received by a colleague; the next day one more."""
    first = make_visit(at=local(DAY, 9, 30))
    for hour in range(10, 14):
        make_visit(at=local(DAY, hour))
    make_visit(at=local(DAY, 14), persons=2, names=("张三", "李四"))
    make_visit(at=local(DAY, 14, 30), repeat_of=first.case)
    colleague = UserFactory(username="reception2", role="receptionist", first_name="红", last_name="李")
    make_visit(
        at=local(DAY, 15), persons=32, names=("工人甲",), window=WindowFactory(name="2号窗口"), by=colleague
    )
    make_visit(at=local(DAY + datetime.timedelta(days=1), 0, 1))


@pytest.mark.django_db
def test_the_first_day_in_figures(leader_api, first_day):
    response = leader_api.get(URL, {"date": "2025-03-03"})

    assert response.status_code == 200
    window_1 = figures(ordinary=(7, 8), group=(0, 0), new_cases=6, repeats=1)
    window_2 = figures(ordinary=(0, 0), group=(1, 32), new_cases=1, repeats=0)
    assert response.json() == {
        "date": "2025-03-03",
        **figures(ordinary=(7, 8), group=(1, 32), new_cases=7, repeats=1),
        "by_window": [{"window": "1号窗口", **window_1}, {"window": "2号窗口", **window_2}],
        "by_receptionist": [{"receptionist": "张进军", **window_1}, {"receptionist": "李红", **window_2}],
        "night": None,
    }


@pytest.mark.django_db
def test_an_empty_day(reception_api, first_day):
    response = reception_api.get(URL, {"date": "2025-03-05"})

    assert response.json() == {
        "date": "2025-03-05",
        **figures(ordinary=(0, 0), group=(0, 0), new_cases=0, repeats=0),
        "by_window": [],
        "by_receptionist": [],
        "night": None,
    }


@pytest.mark.django_db
def test_the_figures_taken_that_night_stand_beside_a_late_registration(leader_api, first_day, make_visit):
    # given the night's snapshot of the first day, then a visit of that day registered late
    tally_snapshot_take(day=DAY)
    taken_at = TallySnapshot.objects.get(date=DAY).taken_at
    make_visit(at=local(DAY, 16, 30))

    response = leader_api.get(URL, {"date": "2025-03-03"}).json()

    assert response["ordinary"] == {"batches": 8, "persons": 9}
    assert response["night"] == {
        "taken_at": timezone.localtime(taken_at).isoformat(),
        **figures(ordinary=(7, 8), group=(1, 32), new_cases=7, repeats=1),
        "changed": True,
    }


@pytest.mark.django_db
def test_the_night_figures_agree_when_nothing_came_later(leader_api, first_day):
    tally_snapshot_take(day=DAY)

    response = leader_api.get(URL, {"date": "2025-03-03"}).json()

    assert response["night"]["changed"] is False
    assert response["night"]["group"] == response["group"] == {"batches": 1, "persons": 32}


@pytest.mark.django_db
def test_defaults_to_today(reception_api, make_visit):
    make_visit()

    response = reception_api.get(URL)

    assert response.json()["ordinary"] == {"batches": 1, "persons": 1}


@pytest.mark.django_db
@pytest.mark.parametrize("date", ["2025-02-30", "03/03/2025", "today"])
def test_bad_date_is_refused_with_a_message(reception_api, date):
    response = reception_api.get(URL, {"date": date})

    assert response.status_code == 400
    assert list(response.json()) == ["date"]
    assert response.json()["date"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("path", [URL, "/api/v1/visits/"])
def test_a_day_beyond_the_bureaus_records_is_refused(reception_api, path):
    # 9999-12-31 was a server error: the day after it cannot be counted to.
    response = reception_api.get(path, {"date": "9999-12-31"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == {"date": ["Enter a date between 2000-01-01 and 2099-12-31."]}


@pytest.mark.django_db
def test_a_window_past_the_databases_integers_is_refused(reception_api):
    response = reception_api.get("/api/v1/visits/", {"window": 10**20}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert list(response.json()) == ["window"]


@pytest.mark.django_db
def test_figures_take_a_fixed_number_of_queries(admin_api, first_day, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert admin_api.get(URL, {"date": "2025-03-03"}).status_code == 200


@pytest.mark.django_db
def test_department_staff_do_not_see_the_tally(department_api):
    assert department_api.get(URL).status_code == 403
