import inspect

import pytest
import yaml
from django.core.management import call_command
from jsonschema import Draft202012Validator

from accounts.api import ObtainTokenView
from cases.api.actions import CaseActionsMixin
from cases.api.endpoints import ENDPOINT_ACTIONS
from petition_desk.api_serializers import FieldsBuiltOnce


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


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/departments/{id}/",
        "/api/v1/categories/{id}/",
        "/api/v1/subject-areas/{id}/",
        "/api/v1/places/{id}/",
        "/api/v1/windows/{id}/",
        # a page past the last
        "/api/v1/visits/",
        "/api/v1/petitioners/",
        "/api/v1/cases/",
    ],
)
def test_the_404s_the_api_gives_are_documented(schema_file, path):
    operation = yaml.safe_load(schema_file.read_text())["paths"][path]["get"]

    assert "404" in operation["responses"]
    assert any(code.startswith("2") for code in operation["responses"])


@pytest.mark.django_db
def test_schema_is_served(anonymous_api):
    response = anonymous_api.get("/api/schema/")

    assert response.status_code == 200
    assert b"/api/v1/stats/daily/" in response.content


# --- examples (issue 4 §6): every operation shows what it takes and what it answers ------------

METHODS = ("get", "post", "put", "patch", "delete")


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", item[method]


def is_binary(media: dict) -> bool:
    """A file download (a PDF, a workbook): no example can show its bytes."""
    return media.get("schema", {}).get("format") == "binary"


def success_media(operation: dict):
    for code, response in operation["responses"].items():
        if code.startswith("2"):
            for media_type, media in response.get("content", {}).items():
                if not is_binary(media):
                    yield code, media_type, media


def has_examples(media: dict) -> bool:
    return bool(media.get("examples") or "example" in media)


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    # Generated apart from `schema_file`: a schema warning is the test above's to report.
    path = tmp_path_factory.mktemp("examples") / "schema.yml"
    call_command("spectacular", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_every_operation_has_examples_of_its_request_and_answer(schema):
    """A new endpoint without examples fails here: its request body, in some media type it
    accepts, and each of its success answers that is not a file download."""
    missing = []
    for name, operation in operations(schema):
        body = operation.get("requestBody")
        if body and not any(has_examples(media) for media in body["content"].values()):
            missing.append(f"{name}: request body")
        for code, media_type, media in success_media(operation):
            if not has_examples(media):
                missing.append(f"{name}: {code} {media_type}")

    assert not missing, "Operations without examples:\n" + "\n".join(missing)


def test_the_walk_covers_every_operation(schema):
    """The test above is only as good as its walk: it sees the case actions, and every
    operation but a file download has a success answer to check."""
    names = [name for name, _operation in operations(schema)]
    assert "POST /api/v1/cases/{id}/sign-off/" in names
    assert "POST /api/v1/visits/" in names
    for name, operation in operations(schema):
        downloads_only = all(
            is_binary(media)
            for code, response in operation["responses"].items()
            if code.startswith("2")
            for media in response.get("content", {}).values()
        )
        assert downloads_only or list(success_media(operation)), name


def json_schema(node):
    """OpenAPI 3.0's schema dialect as JSON Schema: `nullable` becomes a null alternative, and an
    object takes no property its schema does not name, so an example with a stale or misspelt
    field fails."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: json_schema(value) for key, value in node.items()}
    if "properties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def examples_with_schemas(schema: dict):
    for name, operation in operations(schema):
        places = [
            ("request", media_type, media)
            for media_type, media in operation.get("requestBody", {}).get("content", {}).items()
        ]
        places += list(success_media(operation))
        for code, media_type, media in places:
            for key, example in media.get("examples", {}).items():
                yield f"{name} {code} {media_type} «{key}»", media_type, media["schema"], example["value"]


def test_every_example_matches_its_schema(schema):
    components = json_schema(schema["components"])
    checked, wrong = 0, []
    for where, media_type, media_schema, value in examples_with_schemas(schema):
        checked += 1
        if media_type != "application/json":
            if not isinstance(value, str):
                wrong.append(f"{where}: not text")
            continue
        validator = Draft202012Validator({**json_schema(media_schema), "components": components})
        wrong += [f"{where}: {error.json_path}: {error.message}" for error in validator.iter_errors(value)]

    assert checked > 40
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_the_documentation_page_reads_the_schema_with_the_examples(anonymous_api):
    """Redoc on /api/docs/ renders what /api/schema/ serves: the examples travel with it."""
    page = anonymous_api.get("/api/docs/")
    served = yaml.safe_load(anonymous_api.get("/api/schema/").content)

    assert "/api/schema/" in page.content.decode()
    visit = served["paths"]["/api/v1/visits/"]["post"]
    requests = visit["requestBody"]["content"]["application/json"]["examples"].values()
    assert any(example["value"].get("persons") == 32 for example in requests)
    detail = served["paths"]["/api/v1/cases/{id}/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert any("沈桂英" in str(example["value"]) for example in detail["examples"].values())


def test_the_token_login_is_documented_as_needing_no_credentials(schema):
    operation = schema["paths"]["/api/v1/auth/token/"]["post"]

    # None of its own, and none for every operation
    assert "security" not in operation and "security" not in schema
    assert "security" in schema["paths"]["/api/v1/cases/"]["get"]


def test_no_description_is_a_docstring_about_our_code_rather_than_about_the_api(schema):
    """drf-spectacular describes a serializer or an operation by the first docstring up its
    classes: a mixin's notes on how it is built are no description of a case or of a login."""
    internal = [inspect.cleandoc(cls.__doc__) for cls in (FieldsBuiltOnce, CaseActionsMixin, ObtainTokenView)]
    described = [
        *(operation.get("description", "") for _name, operation in operations(schema)),
        *(component.get("description", "") for component in schema["components"]["schemas"].values()),
    ]

    assert not [text for text in described if any(note in text for note in internal)]


# --- errors: what a client generated from the schema can expect of a refusal --------------------

DETAIL = {"$ref": "#/components/schemas/Detail"}


def error_body(operation: dict, code: str) -> dict:
    return operation["responses"][code]["content"]["application/json"]["schema"]


def test_every_operation_that_needs_credentials_documents_its_401(schema):
    """The 401 DRF gives without a token (test_auth.py): on every operation whose security has no
    anonymous alternative, and on none of those that read no credentials."""
    needing = {name: op for name, op in operations(schema) if op.get("security") and {} not in op["security"]}
    public = {name: op for name, op in operations(schema) if name not in needing}

    assert len(needing) > 30
    assert {name: error_body(op, "401") for name, op in needing.items()} == dict.fromkeys(needing, DETAIL)
    assert set(public) == {"POST /api/v1/auth/token/", "GET /api/v1/track/{tracking_code}/"}
    assert not [name for name, op in public.items() if "401" in op["responses"]]


@pytest.mark.parametrize(
    "name",
    [
        "GET /api/v1/petitioners/",
        "POST /api/v1/visits/",
        "GET /api/v1/stats/daily/",
        "GET /api/v1/stats/summary/",
        "POST /api/v1/cases/{id}/sign-off/",
    ],
)
def test_a_role_refused_is_documented_with_its_body(schema, name):
    operation = dict(operations(schema))[name]

    assert error_body(operation, "403") == DETAIL
    # An error is JSON, whatever the operation's success is.
    assert list(operation["responses"]["403"]["content"]) == ["application/json"]


def test_the_ledgers_errors_are_documented_as_json_only(schema):
    responses = schema["paths"]["/api/v1/cases/"]["get"]["responses"]

    assert {code: list(responses[code]["content"]) for code in ("401", "404")} == {
        "401": ["application/json"],
        "404": ["application/json"],
    }


@pytest.mark.django_db
def test_the_401_and_403_documented_are_the_bodies_the_api_sends(schema, anonymous_api, department_api):
    components = json_schema(schema["components"])
    answers = {
        ("/api/v1/cases/", "401"): anonymous_api.get("/api/v1/cases/", {"format": "csv"}),
        ("/api/v1/stats/daily/", "403"): department_api.get("/api/v1/stats/daily/", {"date": "2026-03-02"}),
    }

    for (path, code), response in answers.items():
        assert response.status_code == int(code)
        body_schema = json_schema(error_body(schema["paths"][path]["get"], code))
        Draft202012Validator({**body_schema, "components": components}).validate(response.json())
