"""The search keys' function (migrations 0006 and 0008) in time linear in the text's length,
with the same result.

`substr(lower(part), i, 2)` lowered the whole text again for every character, and substr walks a
multibyte text from its start: the cost grew with the square of the length. A letter of 20,000
characters took 6 s, computed inside the registration while it holds the year's case-number row,
so every other window waited too. Now the text is lowered once and split into characters, and each
is paired with the next (`lead`). Measured on PostgreSQL 15: 10,000 characters 1,207 → 9 ms;
100 to 300 characters 0.41 → 0.20 ms a case; 30 characters 0.05 → 0.07 ms. The keys are the same
(compared on 6,000 texts, and in tests/cases/test_search.py), so the index stays valid and is not
rebuilt."""

from django.db import migrations

SIGNATURE = "pd_case_search_keys(facts text, request text, department_id bigint)"
# Migration 0008's body, put back by reversing this one.
QUADRATIC_BODY = """
    SELECT coalesce(array_agg(DISTINCT substr(lower(part), i, 2)), '{}')
        || CASE WHEN department_id IS NULL THEN '{}'::text[] ELSE ARRAY['department:' || department_id] END
    FROM unnest(ARRAY[facts, request]) AS part, generate_series(1, char_length(part) - 1) AS i
"""
BODY = """
    SELECT coalesce(array_agg(DISTINCT pair), '{}')
        || CASE WHEN department_id IS NULL THEN '{}'::text[] ELSE ARRAY['department:' || department_id] END
    FROM (
        SELECT c || lead(c) OVER (PARTITION BY p ORDER BY n) AS pair
        FROM unnest(ARRAY[facts, request]) WITH ORDINALITY AS parts(part, p),
            unnest(regexp_split_to_array(lower(part), '')) WITH ORDINALITY AS chars(c, n)
    ) AS pairs
    WHERE pair IS NOT NULL
"""


def plpgsql(body: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {SIGNATURE}
RETURNS text[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN ({body});
END
$$
"""


def to(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_drop_pattern_and_covered_indexes"),
    ]

    operations = [migrations.RunPython(to(plpgsql(BODY)), to(plpgsql(QUADRATIC_BODY)), elidable=False)]
