"""`GET /api/v1/cases/?q=`: the same search as the search box, with the list's other filters and
the same visibility; the ledger of a search exports what it found."""

import pytest

from cases.models import Case, Status
from tests.api.conftest import client_for
from tests.cases.test_ledger import csv_rows
from tests.cases.test_search import HER_ID, bureau  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.django_db]

URL = "/api/v1/cases/"


def numbers(client, **query) -> list[str]:
    response = client.get(URL, query)
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


def test_each_kind_of_key_finds_its_case(bureau, leader):  # noqa: F811
    api = client_for(leader)
    assert numbers(api, q=bureau["wages"].number) == [bureau["wages"].number]
    assert numbers(api, q=bureau["housing"].tracking_code.lower()) == [bureau["housing"].number]
    assert numbers(api, q=HER_ID) == [bureau["housing"].number]
    assert numbers(api, q="139 1234 5678") == [bureau["housing"].number]
    assert numbers(api, q="王秀英") == [bureau["housing"].number]
    assert numbers(api, q="工资") == [bureau["wages"].number]
    assert numbers(api, q="要求") == [bureau[key].number for key in ("anonymous", "accusation", "wages")]
    assert numbers(api, q="光伏") == []


def test_the_search_combines_with_the_other_filters(bureau, leader, department):  # noqa: F811
    Case.objects.filter(pk=bureau["accusation"].pk).update(status=Status.ACCEPTED)
    api = client_for(leader)
    assert numbers(api, q="要求", status=Status.ACCEPTED) == [bureau["accusation"].number]
    assert numbers(api, q="要求", department=department.pk) == [
        bureau[key].number for key in ("anonymous", "accusation")
    ]


def test_a_department_searches_only_its_cases_and_not_by_protected_people(
    bureau,  # noqa: F811
    department_user,
):
    api = client_for(department_user)
    assert numbers(api, q="工资") == []
    assert numbers(api, q=bureau["wages"].number) == []
    assert numbers(api, q="李明华") == []
    assert numbers(api, q="13700002222") == []
    assert numbers(api, q="优亲厚友") == [bureau["accusation"].number]


def test_the_ledger_of_a_search_exports_what_it_found(bureau, receptionist):  # noqa: F811
    response = client_for(receptionist).get(URL, {"q": "拖欠", "format": "csv"})
    assert [row[0] for row in csv_rows(response)[1:]] == [bureau["wages"].number]
