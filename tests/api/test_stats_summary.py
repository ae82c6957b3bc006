import pytest

from cases.models import Department
from tests.cases.test_statistics import seed_march

OUT_OF_RANGE = "Enter a date between 2000-01-01 and 2099-12-31."

URL = "/api/v1/stats/summary/"


@pytest.fixture
def march(receptionist, leader, reference):
    return seed_march(receptionist=receptionist, leader=leader, reference=reference)


@pytest.mark.django_db
def test_the_month_as_the_dashboard_reads_it(leader_api, march, reference):
    response = leader_api.get(URL, {"from": "2025-03-01", "to": "2025-03-31"})

    assert response.status_code == 200
    housing = {"id": Department.objects.get(code="housing").pk, "name": "住建局"}
    labour = {"id": Department.objects.get(code="labour").pk, "name": "人社局"}
    assert response.json() == {
        "from": "2025-03-01",
        "to": "2025-03-31",
        "visits": {"ordinary": {"batches": 4, "persons": 5}, "group": {"batches": 1, "persons": 32}},
        "new_cases": 4,
        "repeat_visits": 1,
        "repeat_rate": 0.2,
        "by_category": [
            {"id": march["A"].category_id, "name": "申诉求决", "cases": 3},
            {"id": march["B"].category_id, "name": "建议意见", "cases": 1},
        ],
        "by_subject_area": [
            {"id": march["C"].subject_area_id, "name": "劳动社保/拖欠工资", "cases": 2},
            {"id": march["A"].subject_area_id, "name": "城乡建设/拆迁安置", "cases": 2},
        ],
        "by_place": [
            {"id": march["B"].place_id, "name": "盛泽镇", "cases": 3},
            {"id": reference["place"].pk, "name": "黎里镇", "cases": 1},
        ],
        "by_department": [{**housing, "cases": 2}, {**labour, "cases": 1}],
        "on_time": [
            {
                "department": labour,
                "clocks": 1,
                "on_time": 0,
                "rate": 0.0,
                "forwarding": {"clocks": 1, "on_time": 0, "rate": 0.0},
                "receipt_notice": {"clocks": 1, "on_time": 0, "rate": 0.0},
                "acceptance": {"clocks": 1, "on_time": 0, "rate": 0.0},
                "conclusion": {"clocks": 0, "on_time": 0, "rate": 0.0},
            },
            {
                "department": housing,
                "clocks": 3,
                "on_time": 2,
                "rate": 0.667,
                "forwarding": {"clocks": 1, "on_time": 1, "rate": 1.0},
                "receipt_notice": {"clocks": 1, "on_time": 1, "rate": 1.0},
                "acceptance": {"clocks": 1, "on_time": 1, "rate": 1.0},
                "conclusion": {"clocks": 2, "on_time": 1, "rate": 0.5},
            },
        ],
        "forward": {"clocks": 3, "on_time": 2, "rate": 0.667},
        "satisfaction": [
            {
                "department": housing,
                "satisfied": 1,
                "basically_satisfied": 1,
                "dissatisfied": 1,
                "rate": 0.667,
            }
        ],
        "overdue": 2,
        "supervision_notices": 2,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "batches", "persons"), [("2025-03-31", 1, 1), ("2025-04-01", 1, 1), ("2025-04-02", 0, 0)]
)
def test_a_single_day_counts_its_own_visits_only(reception_api, march, day, batches, persons):
    response = reception_api.get(URL, {"from": day, "to": day})

    assert response.status_code == 200
    assert response.json()["visits"]["ordinary"] == {"batches": batches, "persons": persons}
    assert response.json()["new_cases"] == batches


@pytest.mark.django_db
def test_a_leap_year_is_one_period(admin_api):
    response = admin_api.get(URL, {"from": "2024-01-01", "to": "2024-12-31"})

    assert response.status_code == 200
    assert response.json()["repeat_rate"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({}, {"from": "This field is required.", "to": "This field is required."}),
        ({"from": "2025-03-01"}, {"to": "This field is required."}),
        ({"from": "2025-02-30", "to": "2025-03-31"}, {"from": "Date has wrong format."}),
        ({"from": "2025-03-31", "to": "2025-03-01"}, {"to": "The last day cannot be before the first."}),
        ({"from": "2024-01-01", "to": "2025-01-01"}, {"to": "A period is at most 366 days long."}),
        # The last day Python can hold: its next day was a server error.
        ({"from": "9999-12-31", "to": "9999-12-31"}, {"from": OUT_OF_RANGE, "to": OUT_OF_RANGE}),
    ],
)
def test_a_bad_period_is_refused_per_field(leader_api, query, errors):
    response = leader_api.get(URL, query, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert {
        field: messages[0].split(" Use one of")[0] for field, messages in response.json().items()
    } == errors


@pytest.mark.django_db
def test_department_staff_may_not_read_the_bureaus_figures(department_api):
    response = department_api.get(URL, {"from": "2025-03-01", "to": "2025-03-31"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert response.json() == {"detail": "Your role may not see the bureau's statistics."}


@pytest.mark.django_db
def test_anonymous_is_asked_to_log_in(anonymous_api):
    response = anonymous_api.get(URL, {"from": "2025-03-01", "to": "2025-03-31"})

    assert response.status_code == 401
