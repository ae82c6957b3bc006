import pytest
from django.core.management import call_command


def test_schema_generates_without_warnings(tmp_path):
    """Every view is annotated enough for drf-spectacular: a new warning fails here, not in CI later."""
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))

    assert "/api/v1/visits/" in (tmp_path / "schema.yml").read_text()


@pytest.mark.django_db
def test_schema_is_served(anonymous_api):
    response = anonymous_api.get("/api/schema/")

    assert response.status_code == 200
    assert b"/api/v1/stats/daily/" in response.content
