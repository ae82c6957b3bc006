"""The window desk's queries: who may have come before (while the receptionist types), which
cases cannot be phoned back, and the day's tally on the bureau's local day."""

import datetime
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from psycopg.sql import Literal

from cases.models import Case
from cases.services import CaseData
from intake.models import ContactPoint, Petitioner
from intake.selectors import (
    _shown,
    cases_missing_contact,
    daily_tally,
    desk_cases_missing_contact,
    desk_visits,
    petitioner_search,
    repeat_candidates,
    visits_on,
)
from intake.services import (
    Attendee,
    ContactData,
    PetitionerData,
    VisitData,
    contact_add,
    id_number_hash,
    petitioner_create,
    visit_register,
)
from tests.factories import PlaceFactory, UserFactory, WindowFactory, resident_id_number

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

SHANGHAI = ZoneInfo("Asia/Shanghai")
WOMAN_ID = "11010519491231002X"


# --- helpers ----------------------------------------------------------------------------------


def register(
    receptionist,
    reference,
    *people: PetitionerData | int,
    persons: int | None = None,
    place=None,
    window=None,
    at: datetime.datetime | None = None,
    repeat_of: Case | None = None,
    representatives: int = 0,
    anonymous: bool = False,
):
    """Register a visit through the service, as the window does. People are new (PetitionerData)
    or known (a petitioner id)."""
    attendees = tuple(
        Attendee(
            petitioner_id=person if isinstance(person, int) else None,
            new=None if isinstance(person, int) else person,
            is_representative=index < representatives,
        )
        for index, person in enumerate(people)
    )
    case = None
    if repeat_of is None:
        case = CaseData(
            facts="事实",
            request="诉求",
            category_id=reference["category"].pk,
            subject_area_id=reference["subject_area"].pk,
            place_id=(place or reference["place"]).pk,
            anonymous=anonymous,
        )
    return visit_register(
        data=VisitData(
            window_id=(window or reference["window"]).pk,
            persons=persons or max(len(people), 1),
            attendees=attendees,
            case=case,
            repeat_of=repeat_of.pk if repeat_of else None,
            visited_at=at,
        ),
        receptionist=receptionist,
    )


def person(name: str, *, id_number: str = "", mobile: str = "", address: str = "") -> PetitionerData:
    contacts = []
    if mobile:
        contacts.append(ContactData(kind="mobile", value=mobile))
    if address:
        contacts.append(ContactData(kind="address", value=address))
    return PetitionerData(
        name=name,
        id_type="resident_id" if id_number else "none",
        id_number=id_number,
        contacts=tuple(contacts),
    )


def conclude(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(status="concluded")


def missing_contacts() -> list[Case]:
    """The list of cases missing a contact, after checking that the desk's short list, which
    asks the same in plain SQL, is its beginning with the same people."""
    cases = list(cases_missing_contact())
    on_desk = desk_cases_missing_contact(limit=3)
    assert [(case.id, case.number, case.petitioners) for case in on_desk] == [
        (case.pk, case.number, [(person.pk, person.name) for person in case.petitioners.all()])
        for case in cases[:3]
    ]
    return cases


def local(day: datetime.date, hour: int, minute: int = 0, second: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute, second), tzinfo=SHANGHAI)


# --- repeat_candidates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", [WOMAN_ID, WOMAN_ID.lower(), "110105 1949 1231 002x", " 110105-19491231-002X "]
)
def test_a_petitioner_is_found_by_her_id_number_however_typed(receptionist, reference, typed):
    # given her and someone else
    woman = register(receptionist, reference, person("王秀英", id_number=WOMAN_ID)).petitioners.get()
    register(receptionist, reference, person("李明", id_number=resident_id_number(1)))

    # when / then
    assert repeat_candidates(id_number=typed) == [woman]


def test_an_id_number_still_being_typed_finds_nobody(receptionist, reference):
    register(receptionist, reference, person("王秀英", id_number=WOMAN_ID))

    assert repeat_candidates(id_number=WOMAN_ID[:10]) == []
    assert repeat_candidates(id_number=WOMAN_ID[:17] + "1") == []


def test_another_documents_number_is_found_however_typed(receptionist):
    visitor = petitioner_create(
        data=PetitionerData(name="陈大文", id_type="other", id_number="H12345678"), created_by=receptionist
    )

    assert repeat_candidates(id_number="H12345678") == [visitor]
    assert repeat_candidates(id_number="h1234 5678") == [visitor]


@pytest.mark.parametrize("typed", ["13912345678", "+86 139 1234 5678", "86-139-1234-5678", "139 1234 5678"])
def test_a_petitioner_is_found_by_a_phone_however_typed(receptionist, reference, typed):
    woman = register(receptionist, reference, person("王秀英", mobile="+86 13912345678")).petitioners.get()
    register(receptionist, reference, person("李明", mobile="13800001111"))

    assert repeat_candidates(phone=typed) == [woman]


def test_a_petitioner_is_found_by_her_sons_phone(receptionist, reference):
    woman = register(receptionist, reference, person("王秀英")).petitioners.get()
    contact_add(
        petitioner_id=woman.pk,
        data=ContactData(kind="landline", value="0512-63001234", relation="son"),
        added_by=receptionist,
    )

    assert repeat_candidates(phone="(0512) 6300 1234") == [woman]
    assert repeat_candidates(phone="051263001235") == []


def test_a_work_units_number_with_an_extension_is_found_by_the_number_alone(receptionist, reference):
    # given her contact at her work unit, stored with its extension
    woman = register(receptionist, reference, person("王秀英")).petitioners.get()
    contact_add(
        petitioner_id=woman.pk,
        data=ContactData(kind="landline", value="0512-63001234转8001", relation="employer"),
        added_by=receptionist,
    )

    # then the number a switchboard shows finds her, the extension too, and a number that only
    # runs on into the extension's digits does not
    assert repeat_candidates(phone="0512-63001234") == [woman]
    assert repeat_candidates(phone="0512-63001234-8001") == [woman]
    assert list(petitioner_search(phone="051263001234")) == [woman]
    assert repeat_candidates(phone="0512-6300123-48001") == []


def test_the_same_name_is_a_candidate_only_at_the_same_place(receptionist, reference):
    # given two people of the same name, about matters in two towns
    other_town = PlaceFactory(name="盛泽镇")
    here = register(receptionist, reference, person("李明")).petitioners.get()
    register(receptionist, reference, person("李明"), place=other_town)
    register(receptionist, reference, person("李明华"))

    # then only the one at the same place is found, by the exact name
    assert repeat_candidates(name=" 李明 ", place_id=reference["place"].pk) == [here]
    assert repeat_candidates(name="李", place_id=reference["place"].pk) == []
    # a name alone (without a place) matches too many people to be shown
    assert repeat_candidates(name="李明") == []


def test_the_candidates_of_several_look_ups_are_combined(receptionist, reference):
    by_id = register(receptionist, reference, person("王秀英", id_number=WOMAN_ID)).petitioners.get()
    by_phone = register(receptionist, reference, person("张伟", mobile="13912345678")).petitioners.get()
    by_name = register(receptionist, reference, person("李明")).petitioners.get()
    register(receptionist, reference, person("赵六", mobile="13800001111"))

    found = repeat_candidates(
        id_number=WOMAN_ID, phone="139 1234 5678", name="李明", place_id=reference["place"].pk
    )

    assert sorted(p.pk for p in found) == sorted([by_id.pk, by_phone.pk, by_name.pk])


def test_a_candidate_comes_with_her_open_cases_only(receptionist, reference):
    # given her first case concluded and her second still open
    first = register(receptionist, reference, person("王秀英", id_number=WOMAN_ID))
    woman = first.petitioners.get()
    conclude(first.case)
    second = register(receptionist, reference, woman.pk)

    # when
    [candidate] = repeat_candidates(id_number=WOMAN_ID)

    # then
    assert candidate.open_cases == [second.case]
    assert candidate.open_cases[0].place == reference["place"]


def test_nothing_typed_finds_nobody_without_a_query(receptionist, reference, django_assert_num_queries):
    register(receptionist, reference, person("王秀英", id_number=WOMAN_ID, mobile="13912345678"))

    with django_assert_num_queries(0):
        assert repeat_candidates() == []
        assert repeat_candidates(id_number="  ", phone="  ", name="  ") == []
        assert repeat_candidates(phone="王秀英") == []


def test_repeat_candidates_takes_two_queries_however_many_are_found(
    receptionist, reference, django_assert_max_num_queries
):
    """One for the petitioners, one for their contacts, open cases and latest visits: no query
    per candidate while the receptionist types."""
    # given eight petitioners with the same phone (a family), each with cases and contacts
    for n in range(8):
        visit = register(
            receptionist, reference, person(f"家人{n}", mobile="13912345678", address="黎里镇老街12号")
        )
        register(receptionist, reference, visit.petitioners.get().pk)

    # when
    with django_assert_max_num_queries(2):
        candidates = repeat_candidates(
            phone="13912345678", id_number=WOMAN_ID, name="家人1", place_id=reference["place"].pk
        )
        # then reading what the desk shows needs no further query
        shown = [
            (
                p.name,
                [c.value for c in p.shown_contacts],
                [c.place.name for c in p.open_cases],
                [v.case.number for v in p.recent_visits],
            )
            for p in candidates
        ]

    assert len(shown) == 8
    assert all(
        len(contacts) == 2 and len(cases) == 2 and len(visits) == 2
        for _name, contacts, cases, visits in shown
    )


def test_a_candidate_shows_the_primary_contact_first_and_the_newest_five_visits(receptionist, reference):
    # given her first visit a year ago, her address, then her son's phone made the primary one,
    # and six repeat visits since
    year_ago = timezone.now() - datetime.timedelta(days=365)
    first = register(
        receptionist, reference, person("王秀英", id_number=WOMAN_ID, address="黎里镇老街12号"), at=year_ago
    )
    woman = first.petitioners.get()
    contact_add(
        petitioner_id=woman.pk,
        data=ContactData(kind="mobile", value="13912345678", relation="son", is_primary=True),
        added_by=receptionist,
    )
    repeats = [
        register(
            receptionist, reference, woman.pk, repeat_of=first.case, at=year_ago + datetime.timedelta(days=n)
        )
        for n in range(1, 7)
    ]

    # when
    [candidate] = repeat_candidates(id_number=WOMAN_ID)

    # then
    assert [(c.kind, c.value, c.relation) for c in candidate.shown_contacts] == [
        ("mobile", "13912345678", "son"),
        ("address", "黎里镇老街12号", "self"),
    ]
    assert [v.visited_at for v in candidate.recent_visits] == [
        visit.visited_at for visit in reversed(repeats[1:])
    ]
    assert {v.case.number for v in candidate.recent_visits} == {first.case.number}
    assert [(c.number, c.place.name, c.request) for c in candidate.open_cases] == [
        (first.case.number, reference["place"].name, "诉求")
    ]


def test_at_most_ten_candidates_are_shown(receptionist):
    for n in range(12):
        petitioner_create(
            data=PetitionerData(
                name=f"家人{n:02d}", contacts=(ContactData(kind="mobile", value="13912345678"),)
            ),
            created_by=receptionist,
        )

    assert len(repeat_candidates(phone="13912345678")) == 10


# --- look-ups use indexes ---------------------------------------------------------------------


@pytest.fixture
def register_of_thousands(receptionist):
    """Five thousand petitioners, each with an ID number and a mobile, and fresh statistics."""
    now = timezone.now()
    people = Petitioner.objects.bulk_create(
        Petitioner(
            name=f"信访人{n}",
            id_type="resident_id",
            id_number_hash=id_number_hash("resident_id", resident_id_number(n)),
            created_by=receptionist,
        )
        for n in range(5000)
    )
    ContactPoint.objects.bulk_create(
        ContactPoint(
            petitioner=petitioner,
            kind="mobile",
            value=f"139{n:08d}",
            lookup_key=f"139{n:08d}",
            is_primary=True,
            created_by=receptionist,
            created_at=now,
        )
        for n, petitioner in enumerate(people)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE intake_petitioner")
        cursor.execute("ANALYZE intake_contactpoint")
    return people


def explained(sql: str) -> tuple[str, list[dict]]:
    """The plan as text, and every node of the executed plan (EXPLAIN ANALYZE, as JSON)."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        text = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes, stack = [], [plan[0]["Plan"]]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(node.get("Plans", []))
    return text, nodes


def rows_read(nodes: list[dict], table: str) -> int:
    """Rows the executed plan read from a table: those returned and those it filtered away."""
    return sum(
        (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)) * node.get("Actual Loops", 1)
        for node in nodes
        if node.get("Relation Name") == table
    )


def main_query_of(**look_ups) -> str:
    with CaptureQueriesContext(connection) as queries:
        found = repeat_candidates(**look_ups)
    assert found, "the look-up should find its petitioner"
    return queries.captured_queries[0]["sql"]


@pytest.mark.parametrize(
    "look_ups",
    [
        {"id_number": resident_id_number(4242).lower()},
        {"phone": "+86 139 0000 4242"},
        {"id_number": resident_id_number(4242), "phone": "13900000042"},
        {"id_number": resident_id_number(4242), "phone": "13900000042", "name": "信访人7", "place_id": 1},
    ],
    ids=["id-number", "phone", "id-and-phone", "id-phone-and-name"],
)
def test_look_ups_are_index_scans_not_table_scans(register_of_thousands, look_ups):
    """While the receptionist types, no keystroke reads the whole register."""
    # when
    text, nodes = explained(main_query_of(**look_ups))

    # then the petitioners and their contacts are reached through indexes
    assert "Seq Scan on intake_petitioner" not in text, text
    assert "Seq Scan on intake_contactpoint" not in text, text
    assert "Index" in text, text
    # and only the rows found are read, not thousands walked through and filtered away
    assert rows_read(nodes, "intake_petitioner") <= 10, text
    assert rows_read(nodes, "intake_contactpoint") <= 10, text


# --- cases_missing_contact --------------------------------------------------------------------


def test_a_case_whose_petitioner_has_only_an_address_is_missing_a_contact(receptionist, reference):
    # given
    visit = register(receptionist, reference, person("王秀英", address="黎里镇老街12号"))

    # then
    assert missing_contacts() == [visit.case]


@pytest.mark.parametrize(("kind", "value"), [("mobile", "13912345678"), ("landline", "0512-63001234")])
def test_adding_a_phone_takes_the_case_off_the_list(receptionist, reference, kind, value):
    # given
    visit = register(receptionist, reference, person("王秀英", address="黎里镇老街12号"))
    woman = visit.petitioners.get()

    # when her son calls back with a number
    contact_add(
        petitioner_id=woman.pk,
        data=ContactData(kind=kind, value=value, relation="son"),
        added_by=receptionist,
    )

    # then
    assert missing_contacts() == []


def test_one_reachable_person_of_a_group_is_enough(receptionist, reference):
    register(
        receptionist,
        reference,
        person("工人甲"),
        person("工人乙", mobile="13912345678"),
        persons=32,
        representatives=2,
    )

    assert missing_contacts() == []


def test_another_address_does_not_take_the_case_off_the_list(receptionist, reference):
    visit = register(receptionist, reference, person("王秀英"))
    contact_add(
        petitioner_id=visit.petitioners.get().pk,
        data=ContactData(kind="address", value="盛泽镇新街3号", relation="son"),
        added_by=receptionist,
    )

    assert missing_contacts() == [visit.case]


def test_cases_of_the_same_minute_and_a_groups_names_read_alike_on_the_desk_and_the_list(
    receptionist, reference
):
    # given two cases typed in from paper with the same time, at two windows, one a group's
    day = timezone.localdate() - datetime.timedelta(days=1)
    group = register(receptionist, reference, person("张三"), person("丁一"), persons=2, at=local(day, 9, 30))
    alone = register(
        receptionist, reference, person("王秀英"), window=WindowFactory(name="2号窗口"), at=local(day, 9, 30)
    )

    # then registration order, the group's people by name; missing_contacts() checks the desk's
    assert missing_contacts() == [group.case, alone.case]
    assert [name for _id, name in desk_cases_missing_contact(limit=3)[0].petitioners] == ["丁一", "张三"]


def test_anonymous_and_concluded_cases_are_not_chased(receptionist, reference):
    # given an anonymous case, a concluded one, and two open ones registered one after the other
    register(receptionist, reference, persons=1, anonymous=True)
    concluded = register(receptionist, reference, person("李明"))
    conclude(concluded.case)
    earlier = register(
        receptionist, reference, person("王秀英"), at=timezone.now() - datetime.timedelta(hours=2)
    )
    later = register(receptionist, reference, person("张伟"))
    register(receptionist, reference, person("赵六", mobile="13800001111"))

    # then the open cases without a phone, oldest first
    assert missing_contacts() == [earlier.case, later.case]


def statement_of_the_desk_list() -> tuple[str, tuple]:
    statements = []

    def kept(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(kept):
        desk_cases_missing_contact(limit=10)
    [statement] = statements
    return statement


@pytest.mark.parametrize(
    "statement",
    [lambda: cases_missing_contact()[:10].query.sql_with_params(), statement_of_the_desk_list],
    ids=["the list", "the desk's"],
)
def test_the_list_reads_the_open_case_index_even_as_a_prepared_statement(receptionist, reference, statement):
    """The desk shows this list on every page, and the web's statements are prepared: PostgreSQL
    may then run one plan for all values. A list that names the open statuses as parameters
    cannot use the index of open cases in such a plan, and walks every case registered since the
    oldest open one: at a bureau's million cases, 9 ms on every desk page instead of 2."""
    register(receptionist, reference, person("王秀英"))
    sql, params = statement()
    placeholders = iter(range(1, len(params) + 1))
    prepared = re.sub(r"%s", lambda _match: f"${next(placeholders)}", sql)

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        # The test database is small enough to read whole; a bureau's is not.
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Here nearly every case is open, so the index of every case's date costs the planner as
        # much as that of open cases, and it took either, as the tables' statistics fell. Without
        # it (until this test's transaction rolls back) the list is read from the open cases'
        # index only if the prepared statement's plan can use that index at all.
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'cases_case'"
            " AND indexdef LIKE '%%USING btree (registered_at)'"
        )
        for (index,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{index}"')
        types = ", ".join("integer" if isinstance(value, int) else "text" for value in params)
        cursor.execute(f"PREPARE missing_contact ({types}) AS {prepared}")
        try:
            values = ", ".join(Literal(value).as_string(connection.connection) for value in params)
            cursor.execute(f"EXPLAIN EXECUTE missing_contact ({values})")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE missing_contact")

    assert "case_open_registered" in plan, plan


# --- the desk's list of today's visits ---------------------------------------------------------


def test_the_desk_lists_the_latest_visits_at_its_window_today_newest_first(receptionist, reference):
    today = timezone.localdate()
    other_window = WindowFactory(name="2号窗口", sort_order=2)
    register(receptionist, reference, person("昨天"), at=local(today - datetime.timedelta(days=1), 23, 59))
    first = register(receptionist, reference, person("王秀英"), at=local(today, 0, 0))
    register(receptionist, reference, person("别的窗口"), window=other_window, at=local(today, 0, 1))
    group = register(
        receptionist,
        reference,
        person("工人乙"),
        person("工人甲"),
        persons=32,
        representatives=2,
        at=local(today, 0, 2),
    )
    anonymous = register(receptionist, reference, persons=1, anonymous=True, at=local(today, 0, 3))
    again = register(
        receptionist, reference, first.petitioners.get().pk, repeat_of=first.case, at=local(today, 0, 4)
    )

    listed = desk_visits(day=today, window_id=reference["window"].pk, limit=3)

    assert [
        (visit.visited_at, visit.case_id, visit.case_number, visit.persons, visit.is_group, visit.is_repeat)
        for visit in listed
    ] == [
        (local(today, 0, 4), first.case.pk, first.case.number, 1, False, True),
        (local(today, 0, 3), anonymous.case.pk, anonymous.case.number, 1, False, False),
        (local(today, 0, 2), group.case.pk, group.case.number, 32, True, False),
    ]
    assert [visit.names for visit in listed] == [["王秀英"], [], ["工人乙", "工人甲"]]
    assert again.case == first.case
    assert [visit.case_number for visit in desk_visits(day=today, window_id=other_window.pk, limit=3)] == [
        Case.objects.get(petitioners__name="别的窗口").number
    ]


# --- daily_tally ------------------------------------------------------------------------------


def test_the_days_tally_in_all_per_window_and_per_receptionist(receptionist, reference):
    """A day of 7 new ordinary visits, 1 group visit of 32 and 1 repeat visit, at two windows by
    two receptionists; visits just before and after the local midnights belong to other days.
    (00:05 in Shanghai is 16:05 UTC the day before: the local day counts, not the UTC one.)"""
    # given
    day = datetime.date(2025, 6, 10)
    window_1 = reference["window"]
    window_2 = WindowFactory(name="2号窗口", sort_order=2)
    zhang = receptionist
    other = UserFactory(username="reception2", role="receptionist")

    def visit(at, by, window, *people, **fields):
        return register(by, reference, *people, window=window, at=at, **fields)

    visit(local(day - datetime.timedelta(days=1), 23, 59, 59), zhang, window_1, person("前一天"))
    visit(local(day, 0, 5), zhang, window_1, person("甲"))
    visit(local(day, 9, 30), zhang, window_1, person("乙1"), person("乙2"))
    woman = visit(local(day, 10, 0), zhang, window_1, person("王秀英"))
    visit(local(day, 11, 0), other, window_1, person("丙1"), person("丙2"), person("丙3"))
    visit(local(day, 13, 0), other, window_2, person("丁1"), person("丁2"))
    visit(local(day, 14, 0), other, window_2, person("戊"))
    visit(
        local(day, 15, 0),
        other,
        window_2,
        *[person(f"工人{n}") for n in range(5)],
        persons=32,
        representatives=5,
    )
    visit(local(day, 16, 0), other, window_2, woman.petitioners.get().pk, repeat_of=woman.case)
    visit(local(day, 23, 59, 59), other, window_2, person("己1"), person("己2"))
    visit(local(day + datetime.timedelta(days=1), 0, 0), zhang, window_1, person("后一天"))

    # when
    tally = daily_tally(day=day)

    # then in all: 8 ordinary batches (7 new + 1 repeat) of 13 persons, 1 group batch of 32
    figures = (
        "ordinary_batches",
        "ordinary_persons",
        "group_batches",
        "group_persons",
        "new_cases",
        "repeats",
    )

    def row(tally_row):
        return (tally_row.label, *(getattr(tally_row, name) for name in figures))

    assert tally.date == day
    assert row(tally.total) == ("", 8, 13, 1, 32, 8, 1)
    assert (tally.total.batches, tally.total.persons) == (9, 45)
    # per window, in the windows' order
    assert [row(r) for r in tally.by_window] == [
        ("1号窗口", 4, 7, 0, 0, 4, 0),
        ("2号窗口", 4, 6, 1, 32, 4, 1),
    ]
    # per receptionist, by full name (family name first) or else by user name
    assert sorted(row(r) for r in tally.by_receptionist) == [
        ("reception2", 5, 9, 1, 32, 5, 1),
        ("张进军", 3, 4, 0, 0, 3, 0),
    ]
    # and the day's list of visits agrees
    assert visits_on(day=day).count() == 9
    assert visits_on(day=day, window_id=window_2.pk).count() == 5


def test_a_day_without_visits_tallies_zero(receptionist, reference):
    register(receptionist, reference, person("王秀英"), at=local(datetime.date(2025, 6, 10), 10))

    tally = daily_tally(day=datetime.date(2025, 6, 11))

    assert (tally.total.batches, tally.total.persons, tally.total.new_cases, tally.total.repeats) == (
        0,
        0,
        0,
        0,
    )
    assert tally.by_window == [] and tally.by_receptionist == []


def test_the_tally_takes_a_fixed_number_of_queries(receptionist, reference, django_assert_num_queries):
    day = datetime.date(2025, 6, 10)
    for hour in range(9, 15):
        register(receptionist, reference, person(f"来访人{hour}"), at=local(day, hour))

    # One grouped query, however many windows, receptionists and visits.
    with django_assert_num_queries(1):
        daily_tally(day=day)


# --- the look-up's cards and their labels ------------------------------------------------------


def test_a_card_object_holds_each_value_under_its_own_name_in_any_order():
    case = _shown(Case, request="要求支付拖欠的工资", status="awaiting_sign_off", number="2026-000123", id=7)

    assert (case.pk, case.number, case.status, case.request) == (
        7,
        "2026-000123",
        "awaiting_sign_off",
        "要求支付拖欠的工资",
    )


def test_a_contact_is_labelled_in_the_users_language_and_an_unknown_kind_as_stored():
    son = ContactPoint(kind="mobile", relation="son")
    odd = ContactPoint(kind="fax", relation="neighbour")

    with translation.override("en"):
        assert (son.kind_label, son.relation_label) == ("Mobile", "Son")
    with translation.override("zh-hans"):
        assert son.kind_label != "Mobile"
    assert (odd.kind_label, odd.relation_label) == ("fax", "neighbour")
