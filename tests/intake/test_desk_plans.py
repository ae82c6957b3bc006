"""At a bureau's size (100,000 cases and visits here): the desk page's two lists are planned once
per connection, not on every page. With their LIMIT passed as a value, PostgreSQL could not cost
the prepared statement's generic plan and planned it anew for every page: at seed_scale's
million, 3-4 ms of planning for 0.3-0.8 ms of work, twice a page (bench/README.md, session 17)."""

import pytest
from django.db import connection
from django.utils import timezone

from intake.selectors import desk_cases_missing_contact, desk_visits
from tests.cases.test_matching_plans import copy_cases

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

PAGES = 20
ROWS = 100_000


@pytest.fixture
def busy_bureau(make_visit):
    """A fifth of the cases open, none with a phone; visits a second apart over the last day."""
    visit = make_visit()
    copy_cases(visit.case, first_id=10_000_000, open_every=5, named_every=1_000, organisations=10)
    columns = "window_id, receptionist_id, case_id, persons, is_group, is_repeat, note"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO intake_visit (visited_at, {columns})"
            f" SELECT now() - g * interval '1 second', {columns}"
            f" FROM intake_visit, generate_series(1, {ROWS}) AS g WHERE intake_visit.id = %s",
            [visit.pk],
        )
        cursor.execute("ANALYZE intake_visit")
    return visit


def plans_of(beginning: str) -> tuple[int, int]:
    """The generic and custom plans PostgreSQL has made for this connection's prepared statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            [beginning + "%"],
        )
        [plans] = cursor.fetchall()
    return plans


def test_the_desk_lists_are_not_planned_anew_for_every_page(busy_bureau):
    for _page in range(PAGES):
        desk_visits(day=timezone.localdate(), window_id=busy_bureau.window_id, limit=10)
        desk_cases_missing_contact(limit=5)

    for beginning in ("WITH shown AS (SELECT id, visited_at", "WITH shown AS (SELECT id, number"):
        generic, custom = plans_of(beginning)
        # PostgreSQL tries five custom plans before it compares them with the generic one.
        assert custom <= 5
        assert generic >= PAGES - 5 - 5  # psycopg prepares a statement at its fifth run
