"""The cases API's organisation= filter: odd input is answered, department staff learn nothing of
other departments' cases through it, and the schema documents it."""

import pytest
import yaml
from django.core.management import call_command

from cases.models import Case, Status
from tests.api.test_cases import URL, send_to

FACTORY = "汾湖某纺织有限公司"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    [
        "\x00",
        "汾湖\x00某纺织有限公司",
        "某" * 10_000,
        "——（）！？。，、" * 1_000,
        "㍿" * 5_000,
        "%",
        "_",
        "\\",
        "' OR 1=1 --",
    ],
    ids=[
        "nul",
        "nul-inside",
        "10000-chars",
        "punctuation",
        "lengthening",
        "percent",
        "underscore",
        "backslash",
        "quote",
    ],
)
@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_odd_organisations_are_answered_without_a_server_error(leader_api, make_visit, typed, file_format):
    make_visit(organisation=FACTORY)

    response = leader_api.get(URL, {"organisation": typed, "format": file_format})

    assert response.status_code in (200, 400)
    if response.status_code == 200 and file_format == "json":
        assert response.json()["count"] == 0


@pytest.mark.django_db
def test_a_department_learns_nothing_of_other_departments_cases_through_the_filter(
    department_api, make_visit, department, other_department
):
    ours = send_to(make_visit(organisation=FACTORY).case, department)
    send_to(make_visit(organisation=FACTORY).case, other_department)
    make_visit(organisation=FACTORY)  # not yet routed
    returned = send_to(make_visit(organisation=FACTORY).case, department)
    # given back and then signed off elsewhere: no longer its case (selectors.named_department)
    Case.objects.filter(pk=returned.pk).update(department_gave_back=True, status=Status.SIGNED_OFF)

    json_rows = department_api.get(URL, {"organisation": FACTORY}).json()
    response = department_api.get(URL, {"organisation": FACTORY, "format": "csv"})
    ledger = b"".join(response.streaming_content).decode("utf-8-sig")

    assert json_rows["count"] == 1 and [row["id"] for row in json_rows["results"]] == [ours.pk]
    assert ours.number in ledger and ledger.count("\n") == 2  # the header and its one case


def test_the_schema_documents_the_filter(tmp_path):
    path = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--lang", "en", "--file", str(path))
    parameters = yaml.safe_load(path.read_text())["paths"]["/api/v1/cases/"]["get"]["parameters"]

    [organisation] = [parameter for parameter in parameters if parameter["name"] == "organisation"]
    assert organisation["in"] == "query" and organisation["schema"] == {"type": "string"}
    assert "look-up" in organisation["description"]
