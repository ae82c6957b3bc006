import pytest
import yaml
from django.core.management import call_command

from cases.api.endpoints import ENDPOINT_ACTIONS


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return path


def test_schema_generates_without_warnings(schema_file):
    """Every view is annotated enough for drf-spectacular: a new warning fails here, not in CI later."""
    assert "/api/v1/visits/" in schema_file.read_text()


@pytest.mark.parametrize("endpoint", list(ENDPOINT_ACTIONS))
def test_every_case_action_is_documented_with_its_errors(schema_file, endpoint):
    operation = yaml.safe_load(schema_file.read_text())["paths"][f"/api/v1/cases/{{id}}/{endpoint}/"]["post"]

    assert operation["summary"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CaseDetail"
    }
    assert {"400", "403", "404", "409"} <= set(operation["responses"])
    # Only receiving takes no input at all.
    assert ("requestBody" in operation) == (endpoint != "receive")


@pytest.mark.django_db
def test_schema_is_served(anonymous_api):
    response = anonymous_api.get("/api/schema/")

    assert response.status_code == 200
    assert b"/api/v1/stats/daily/" in response.content
