"""At a bureau's size (100,000 cases here): the plans PostgreSQL makes for the window's look-up of a
matter and for the cases API's organisation= filter, as the code sends them. Without an index over
every case the API's filter read the whole table (180-260 ms a request at seed_scale's million);
with the project's prepared statements, a generic plan read every open case on each keystroke of
an organisation that has none (14-29 ms at the million, against 0.03 ms planned for the key)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from cases.matching import organisation_key
from cases.models import Case
from cases.selectors import open_cases_about

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

CASES = 100_000
ORGANISATIONS = 2_000
FACTORY = "汾湖某纺织有限公司"


def copy_cases(model: Case, *, first_id: int, open_every: int, named_every: int, organisations: int) -> None:
    """CASES cases copied from `model`, registered through the service: one in `open_every` open,
    the rest closed; one in `named_every` names one of `organisations` organisations, its key as
    case_registration would set it."""
    copied = [
        field.column
        for field in Case._meta.concrete_fields
        if not field.generated
        and field.column
        not in (
            "id",
            "number",
            "tracking_code",
            "status",
            "organisation",
            "organisation_key",
            "registered_at",
        )
    ]
    columns = ", ".join(copied)
    named = (
        f"CASE WHEN mod(g, {named_every}) = 0"
        f" THEN '某单位' || mod(g / {named_every}, {organisations}) ELSE '' END"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO cases_case
                (id, number, tracking_code, status, organisation, organisation_key, registered_at, {columns})
            SELECT {first_id} + g, 'S-' || ({first_id} + g), 'T' || ({first_id} + g),
                   CASE WHEN mod(g, {open_every}) = 0 THEN 'awaiting_sign_off' ELSE 'closed' END,
                   {named}, {named}, now() - g * interval '5 minutes', {columns}
            FROM cases_case, generate_series(1, {CASES}) AS g
            WHERE cases_case.id = %s
            """,
            [model.pk],
        )
        cursor.execute("ANALYZE cases_case")


@pytest.fixture
def bureau_of_cases(make_visit):
    """About 2 % of the cases open; every third names one of 2,000 organisations. Returns one
    with an open case among its 33."""
    copy_cases(
        make_visit(organisation=FACTORY).case,
        first_id=10_000_000,
        open_every=47,
        named_every=3,
        organisations=ORGANISATIONS,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT organisation FROM cases_case WHERE is_open AND organisation LIKE '某单位%%' LIMIT 1"
        )
        [(organisation,)] = cursor.fetchall()
    assert organisation_key(organisation) == organisation
    return organisation


def plans(queries) -> list[str]:
    """EXPLAIN of each statement that reads cases by their organisation key."""
    found = []
    with connection.cursor() as cursor:
        for query in queries:
            if "organisation_key" in query["sql"] and query["sql"].lstrip().upper().startswith("SELECT"):
                cursor.execute(f"EXPLAIN {query['sql']}")
                found.append("\n".join(row[0] for row in cursor.fetchall()))
    assert found
    return found


def uses_the_key_index(plan: str) -> bool:
    return any("Index Cond" in line and "organisation_key" in line for line in plan.splitlines())


def test_the_window_look_up_reads_its_partial_index(bureau_of_cases):
    with CaptureQueriesContext(connection) as queries:
        found = open_cases_about(bureau_of_cases, exclude=[1, 2])

    assert len(found) >= 1
    [plan] = plans(queries.captured_queries)
    assert "case_open_organisation" in plan, plan


@pytest.mark.parametrize("file_format", ["json", "csv"])
def test_the_api_filter_finds_an_organisations_cases_through_an_index(bureau_of_cases, leader, file_format):
    client = APIClient()
    client.force_authenticate(leader)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/cases/", {"organisation": bureau_of_cases, "format": file_format})
        if file_format == "csv":
            b"".join(response.streaming_content)

    assert response.status_code == 200
    for plan in plans(queries.captured_queries):
        assert uses_the_key_index(plan), plan


# --- the look-up as the receptionist types, with prepared statements ------------------------------
#
# The project runs PostgreSQL with prepared statements (settings/base.py:
# server_side_binding, prepare_threshold=5): after five look-ups PostgreSQL may keep one generic
# plan, whatever organisation is typed. Most cases name no organisation and the open ones name a
# handful, so the generic plan estimates thousands of open cases per key and walks the open-cases
# index (case_open_registered) in registration order, filtering on the key. For a key with no open
# case — every prefix while the name is typed, and any organisation not seen before — it reads
# every open case. At seed_scale's million (20,869 open cases) that was 14–29 ms of PostgreSQL per
# keystroke (EXPLAIN ANALYZE EXECUTE, generic plan; 0.03 ms with the custom plan), and the
# look-up view measured p50 33 ms / p95 77 ms against bench/README's 5 ms p95. The look-up is
# now planned for its key (petition_desk.db.planned_afresh).


@pytest.fixture
def open_cases_of_few_organisations(make_visit):
    """One case in 41 open; four in five name no organisation, the others one of five."""
    model = make_visit(organisation=FACTORY).case
    copy_cases(model, first_id=20_000_000, open_every=41, named_every=5, organisations=5)
    return model


def cases_rows_read() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) FROM pg_stat_xact_user_tables"
            " WHERE relname = 'cases_case'"
        )
        return cursor.fetchone()[0]


def test_each_keystroke_of_an_organisation_reads_only_its_own_open_cases(
    open_cases_of_few_organisations, receptionist
):
    client = Client()
    client.force_login(receptionist)
    url = reverse("intake:lookup")
    # The morning's look-ups on this connection (a web worker's lasts): psycopg prepares the
    # statement after five, PostgreSQL weighs its generic plan after five more.
    for earlier in ("汾湖某纺织有限公司", "某单位1", "某单位2", "吴江某建材有限公司", "某培训学校") * 3:
        client.get(url, {"people-0-name": "王秀英", "organisation": earlier})
    typed = "盛泽某丝绸有限公司"  # a factory not seen before: none of its prefixes has a case
    read = []
    for end in range(1, len(typed) + 1):
        before = cases_rows_read()
        assert client.get(url, {"people-0-name": "工人乙", "organisation": typed[:end]}).status_code == 200
        with_organisation = cases_rows_read() - before
        before = cases_rows_read()
        client.get(url, {"people-0-name": "工人乙"})
        read.append(with_organisation - (cases_rows_read() - before))

    open_cases = Case.objects.filter(is_open=True).count()
    assert open_cases > 2_000
    assert max(read) < 50, f"rows of cases read per keystroke: {read} ({open_cases} open cases)"
