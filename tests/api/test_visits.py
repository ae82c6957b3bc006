import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from cases import references
from cases.models import Case, CaseEvent
from intake.models import Attendance, Petitioner, Visit, Window
from intake.services import PetitionerData, petitioner_create
from tests.api.conftest import RESIDENT_ID, local, resident_id, row_counts
from tests.factories import WindowFactory

URL = "/api/v1/visits/"


def new_person(name="王秀英", **fields):
    return {"new": {"name": name, **fields}}


@pytest.fixture
def payload(reference, case_payload):
    return {
        "window": reference["window"].pk,
        "persons": 1,
        "note": "",
        "attendees": [
            new_person(
                id_type="resident_id",
                id_number=RESIDENT_ID,
                contacts=[{"kind": "landline", "value": "0512-63001234", "relation": "agent"}],
            )
        ],
        "case": case_payload,
        "repeat_of": None,
    }


@pytest.fixture
def known(receptionist):
    return petitioner_create(data=PetitionerData(name="李明"), created_by=receptionist)


# --- registration ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_register_new_person_and_case(reception_api, receptionist, reference, payload):
    response = reception_api.post(URL, payload, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    visit = Visit.objects.get()
    case = Case.objects.get()
    woman = Petitioner.objects.get()
    assert body == {
        "id": visit.pk,
        "visited_at": body["visited_at"],
        "window": reference["window"].pk,
        "persons": 1,
        "is_group": False,
        "is_repeat": False,
        "case": {
            "id": case.pk,
            "number": case.number,
            "tracking_code": case.tracking_code,
            "status": "awaiting_sign_off",
        },
        "petitioners": [woman.pk],
    }
    assert datetime.datetime.fromisoformat(body["visited_at"]) == visit.visited_at
    assert visit.receptionist == receptionist
    assert woman.id_number_masked == "1101**********002X"
    assert woman.contacts.get().value == "0512-63001234"
    assert list(CaseEvent.objects.values_list("action", flat=True)) == ["register", "submit"]


@pytest.mark.django_db
def test_register_with_a_known_petitioner_at_a_given_time(reception_api, payload, known):
    at = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=2)
    payload |= {"attendees": [{"petitioner": known.pk}], "visited_at": at.isoformat()}

    response = reception_api.post(URL, payload, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["petitioners"] == [known.pk]
    assert datetime.datetime.fromisoformat(response.json()["visited_at"]) == at
    assert Petitioner.objects.count() == 1


@pytest.mark.django_db
def test_register_a_repeat_visit_links_the_case(reception_api, payload, known, make_visit):
    first = make_visit(names=("李明",))
    payload |= {"attendees": [{"petitioner": known.pk}], "case": None, "repeat_of": first.case.pk}
    before = row_counts()

    response = reception_api.post(URL, payload, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["is_repeat"] is True
    assert response.json()["case"]["id"] == first.case.pk
    assert row_counts() == before | {"Visit": before["Visit"] + 1, "CaseEvent": before["CaseEvent"] + 1}
    assert known in first.case.petitioners.all()


@pytest.mark.django_db
def test_register_a_group_visit_of_32_with_5_representatives(reception_api, payload, case_payload):
    payload |= {
        "persons": 32,
        "attendees": [new_person(f"工人{n}") | {"is_representative": True} for n in range(5)]
        + [new_person("工人甲")],
        "case": case_payload | {"facts": "公司拖欠工资数月", "request": "支付工资", "organisation": "某公司"},
    }

    response = reception_api.post(URL, payload, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["is_group"] is True
    assert response.json()["persons"] == 32
    assert len(response.json()["petitioners"]) == 6
    assert Case.objects.get().is_group
    assert Attendance.objects.filter(is_representative=True).count() == 5


@pytest.mark.django_db
def test_register_an_anonymous_case_without_names(reception_api, payload, case_payload):
    payload |= {"attendees": [], "case": case_payload | {"anonymous": True}}

    response = reception_api.post(URL, payload, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["petitioners"] == []


# --- refusals: nothing is saved ----------------------------------------------------------------


def _assert_refused(client, payload, expected):
    before = row_counts()

    response = client.post(URL, payload, format="json")

    assert response.status_code == 400, response.json()
    if isinstance(expected, str):
        assert list(response.json()) == [expected], response.json()
        assert response.json()[expected]
    else:
        assert response.json() == expected
    assert row_counts() == before
    return response.json()


@pytest.mark.django_db
def test_sixth_representative_is_refused(reception_api, payload):
    payload |= {
        "persons": 40,
        "attendees": [new_person(f"工人{n}") | {"is_representative": True} for n in range(6)],
    }

    _assert_refused(
        reception_api,
        payload,
        {
            "representatives": [
                gettext("A group may name at most %(max)d representatives (Art. 20); %(count)d were named.")
                % {"max": settings.MAX_REPRESENTATIVES, "count": 6}
            ]
        },
    )


@pytest.mark.django_db
def test_fewer_persons_than_named_attendees_is_refused(reception_api, payload):
    payload |= {"persons": 2, "attendees": [new_person(f"工人{n}") for n in range(3)]}

    _assert_refused(
        reception_api,
        payload,
        {
            "persons": [
                ngettext(
                    "At least %(count)d person came: the number of persons cannot be smaller.",
                    "At least %(count)d persons came: the number of persons cannot be smaller.",
                    3,
                )
                % {"count": 3}
            ]
        },
    )


@pytest.mark.django_db
def test_more_persons_than_one_visit_can_hold_is_refused(reception_api, payload):
    payload["persons"] = 10_001

    message = gettext("Ensure this value is less than or equal to {max_value}.").format(max_value=10_000)
    _assert_refused(reception_api, payload, {"persons": [message]})


@pytest.mark.django_db
def test_case_and_repeat_of_together_are_refused(reception_api, payload, make_visit):
    payload["repeat_of"] = make_visit().case.pk

    _assert_refused(
        reception_api,
        payload,
        {"case": [gettext("Either register a new case or link the visit to an existing one.")]},
    )


@pytest.mark.django_db
def test_neither_case_nor_repeat_of_is_refused(reception_api, payload):
    del payload["case"]

    _assert_refused(
        reception_api,
        payload,
        {"case": [gettext("Either register a new case or link the visit to an existing one.")]},
    )


@pytest.mark.django_db
@pytest.mark.django_db
def test_the_answer_names_the_persons_in_the_order_given(reception_api, payload, known):
    payload |= {"persons": 3, "attendees": [new_person("赵强"), {"petitioner": known.pk}, new_person("孙丽")]}

    response = reception_api.post(URL, payload, format="json")

    assert response.status_code == 201, response.json()
    zhao, sun = Petitioner.objects.get(name="赵强"), Petitioner.objects.get(name="孙丽")
    assert response.json()["petitioners"] == [zhao.pk, known.pk, sun.pk]
    # as the day's list, read from the database, shows them
    assert reception_api.get(URL).json()["results"][0]["petitioners"] == [zhao.pk, known.pk, sun.pk]


def test_nobody_named_on_a_case_not_anonymous_is_refused(reception_api, payload):
    payload["attendees"] = []

    _assert_refused(
        reception_api,
        payload,
        {"attendees": [gettext("Name at least one person present, or mark the case anonymous.")]},
    )


@pytest.mark.django_db
def test_closed_window_is_refused(reception_api, payload):
    payload["window"] = WindowFactory(name="3号窗口", is_active=False).pk

    _assert_refused(reception_api, payload, {"window": [gettext("Choose an open window.")]})


@pytest.mark.django_db
def test_a_window_closed_between_two_registrations_refuses_the_second(
    reception_api, payload, monkeypatch, django_capture_on_commit_callbacks
):
    # Within the second this process would otherwise lend the open windows it fetched.
    monkeypatch.setattr(references, "monotonic", lambda: 1000.0)
    # given a registration at the window, which leaves its id among the cached open windows
    assert reception_api.post(URL, payload, format="json").status_code == 201
    window = Window.objects.get(pk=payload["window"])

    # when the administrator closes it
    window.is_active = False
    with django_capture_on_commit_callbacks(execute=True):
        window.save()

    # then the next registration there is refused
    payload["attendees"] = [new_person("李明")]
    _assert_refused(reception_api, payload, {"window": [gettext("Choose an open window.")]})


def _reference_reads(reception_api, payload, name: str) -> int:
    """Registers a visit of a new person `name`; the number of reads of reference ids it made."""
    payload["attendees"] = [new_person(name)]
    with (
        mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many,
        mock.patch.object(cache, "get_or_set", wraps=cache.get_or_set) as get_or_set,
    ):
        response = reception_api.post(URL, payload, format="json")
    assert response.status_code == 201, response.json()
    reads = [call.args[0] for call in get_many.call_args_list + get_or_set.call_args_list]
    return len([keys for keys in reads if "reference-ids" in str(keys)])


@pytest.mark.django_db
def test_a_registration_takes_the_reference_tables_from_the_cache_in_one_call(
    reception_api, payload, monkeypatch
):
    monkeypatch.setattr(references, "PROCESS_SECONDS", 0)
    assert reception_api.post(URL, payload, format="json").status_code == 201  # now they are cached

    # the window, category, subject area and place, the window checked again by the service
    assert _reference_reads(reception_api, payload, "李明") == 1


@pytest.mark.django_db
def test_registrations_within_a_second_take_the_reference_tables_from_the_process(
    reception_api, payload, monkeypatch
):
    clock = [1000.0]
    monkeypatch.setattr(references, "monotonic", lambda: clock[0])
    assert reception_api.post(URL, payload, format="json").status_code == 201  # now they are cached

    clock[0] += 1.1
    assert _reference_reads(reception_api, payload, "赵敏") == 1

    clock[0] += 0.9
    assert _reference_reads(reception_api, payload, "李明") == 0

    clock[0] += 0.2
    assert _reference_reads(reception_api, payload, "张伟") == 1


@pytest.mark.django_db
def test_sets_fetched_while_a_change_was_committed_are_not_lent(reception_api, payload, monkeypatch):
    monkeypatch.setattr(references, "monotonic", lambda: 1000.0)
    fetch = cache.get_many

    def fetch_while_a_window_is_closed_elsewhere(*args, **kwargs):
        fetched = fetch(*args, **kwargs)
        references.forget_process_copy()  # another thread's commit, as the signal's on_commit does
        return fetched

    with mock.patch.object(cache, "get_many", side_effect=fetch_while_a_window_is_closed_elsewhere):
        assert reception_api.post(URL, payload, format="json").status_code == 201

    # the sets that request fetched were its own: the next one asks again
    assert _reference_reads(reception_api, payload, "李明") == 1


@pytest.mark.django_db
def test_a_window_closed_by_another_process_is_refused_within_a_second(reception_api, payload, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(references, "monotonic", lambda: clock[0])
    assert reception_api.post(URL, payload, format="json").status_code == 201
    # Closed as another web process would close it: no signal reaches this one, only the cache.
    Window.objects.filter(pk=payload["window"]).update(is_active=False)
    cache.clear()

    # Within the second this process still lends the sets it fetched: the window is open to it.
    clock[0] += 0.5
    payload["attendees"] = [new_person("李明")]
    assert reception_api.post(URL, payload, format="json").status_code == 201

    clock[0] += 0.6
    payload["attendees"] = [new_person("张伟")]
    _assert_refused(reception_api, payload, {"window": [gettext("Choose an open window.")]})


@pytest.mark.django_db
def test_future_visit_is_refused(reception_api, payload):
    payload["visited_at"] = (timezone.now() + datetime.timedelta(hours=1)).isoformat()

    _assert_refused(
        reception_api, payload, {"visited_at": [gettext("A visit cannot be registered in the future.")]}
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "visited_at",
    ["0001-01-01T00:00:00", "0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59", "0202-03-03T10:00:00"],
)
def test_a_visit_time_outside_the_records_years_is_refused_with_the_forms_message(
    reception_api, payload, visited_at
):
    # A time without its zone is taken in Beijing's, which year 1 at midnight has no UTC for.
    payload["visited_at"] = visited_at

    expected = gettext("Enter a date between %(first)s and %(last)s.") % {
        "first": "2000-01-01",
        "last": "2099-12-31",
    }
    _assert_refused(reception_api, payload, {"visited_at": [expected]})


@pytest.mark.django_db
def test_same_person_twice_is_refused(reception_api, payload, known):
    payload["persons"] = 2
    payload["attendees"] = [{"petitioner": known.pk}, {"petitioner": known.pk}]

    _assert_refused(reception_api, payload, {"attendees": [gettext("The same person is named twice.")]})


@pytest.mark.django_db
def test_new_person_with_a_registered_id_number_is_refused(reception_api, payload, receptionist):
    """The check runs after the first new person was written: the transaction takes it back."""
    petitioner_create(
        data=PetitionerData(name="王秀英", id_type="resident_id", id_number=RESIDENT_ID),
        created_by=receptionist,
    )
    payload["persons"] = 2
    payload["attendees"] = [
        new_person("李明", id_type="resident_id", id_number=resident_id(1)),
        new_person("王秀英", id_type="resident_id", id_number=RESIDENT_ID),
    ]

    body = _assert_refused(reception_api, payload, "attendees")

    # on the person it is about, as the serializer places its own errors in a nested payload
    assert list(body["attendees"]) == ["1"]
    assert list(body["attendees"]["1"]) == ["new"] and list(body["attendees"]["1"]["new"]) == ["id_number"]
    assert "王秀英" in body["attendees"]["1"]["new"]["id_number"][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"window": None}, "window", id="window null"),
        pytest.param({"window": 999999}, "window", id="window unknown"),
        pytest.param({"persons": "many"}, "persons", id="persons not a number"),
        pytest.param({"persons": None}, "persons", id="persons null"),
        pytest.param({"persons": 0}, "persons", id="persons zero"),
        pytest.param({"persons": 2**31}, "persons", id="persons beyond the column"),
        pytest.param({"visited_at": "yesterday"}, "visited_at", id="visited_at not a time"),
        pytest.param({"repeat_of": 999999, "case": None}, "repeat_of", id="repeat_of unknown"),
        pytest.param({"attendees": {"name": "王"}}, "attendees", id="attendees not a list"),
        pytest.param({"note": ["a"]}, "note", id="note not text"),
    ],
)
def test_invalid_visit_field_is_refused(reception_api, payload, change, field):
    payload |= change

    _assert_refused(reception_api, payload, field)


@pytest.mark.django_db
def test_window_missing_is_refused(reception_api, payload):
    del payload["window"]

    _assert_refused(reception_api, payload, "window")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("attendee", "path"),
    [
        pytest.param({"petitioner": 999999}, ("petitioner",), id="unknown petitioner"),
        pytest.param({"is_representative": True}, ("non_field_errors",), id="neither known nor new"),
        pytest.param("both", ("non_field_errors",), id="both known and new"),
        pytest.param(new_person("  "), ("new", "name"), id="new without a name"),
        pytest.param(
            new_person(id_type="resident_id", id_number="11010519491231002Y"),
            ("new", "id_number"),
            id="bad id",
        ),
        pytest.param(new_person(gender="?"), ("new", "gender"), id="bad gender"),
        pytest.param(
            new_person(contacts=[{"kind": "mobile", "value": "139"}]),
            ("new", "contacts", "0", "value"),
            id="bad phone",
        ),
        pytest.param(
            new_person(
                contacts=[
                    {"kind": "mobile", "value": "13962598765", "is_primary": True},
                    {"kind": "landline", "value": "0512-63001234", "is_primary": True},
                ]
            ),
            ("new", "contacts"),
            id="two primary contacts",
        ),
        pytest.param({"petitioner": "abc"}, ("petitioner",), id="petitioner not an id"),
    ],
)
def test_invalid_attendee_is_refused_at_its_place(reception_api, payload, known, attendee, path):
    if attendee == "both":
        attendee = {"petitioner": known.pk} | new_person()
    payload["persons"] = 2
    payload["attendees"] = [{"petitioner": known.pk}, attendee]

    body = _assert_refused(reception_api, payload, "attendees")

    errors = body["attendees"]["1"]
    for key in path:
        errors = errors[key]
    assert errors and all(isinstance(message, str) for message in errors)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"facts": "  "}, "facts", id="no facts"),
        pytest.param({"request": ""}, "request", id="no request"),
        pytest.param({"category": 999999}, "category", id="unknown category"),
        pytest.param({"subject_area": None}, "subject_area", id="no subject area"),
        pytest.param({"place": "黎里镇"}, "place", id="place not an id"),
        pytest.param({"organisation": "厂" * 201}, "organisation", id="organisation too long"),
        pytest.param({"urgent": "maybe"}, "urgent", id="urgent not a boolean"),
    ],
)
def test_invalid_case_field_is_refused_under_case(reception_api, payload, change, field):
    payload["case"] |= change

    body = _assert_refused(reception_api, payload, "case")

    assert list(body["case"]) == [field]


@pytest.mark.django_db
def test_case_messages_are_the_services(reception_api, payload):
    payload["case"] |= {"facts": "", "request": ""}

    _assert_refused(
        reception_api,
        payload,
        {
            "case": {
                "facts": [gettext("Describe what happened.")],
                "request": [gettext("Say what the petitioner asks for.")],
            }
        },
    )


@pytest.mark.django_db
def test_body_not_an_object_is_refused(reception_api):
    _assert_refused(reception_api, [1, 2], "non_field_errors")


@pytest.mark.django_db
def test_messages_are_in_the_language_the_user_chose(reception_api, payload):
    del payload["window"]

    chinese = reception_api.post(URL, payload, format="json")
    reception_api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = reception_api.post(URL, payload, format="json")

    assert chinese.json() == {"window": ["该字段是必填项。"]}
    assert english.json() == {"window": ["This field is required."]}


# --- the day's list ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_shows_the_visits_of_the_day_asked_for(leader_api, make_visit, reference):
    day = datetime.date(2025, 3, 3)
    morning = make_visit(at=local(day, 10), names=("王秀英",))
    afternoon = make_visit(at=local(day, 15), persons=32, names=("工人甲", "工人乙"))
    make_visit(at=local(day - datetime.timedelta(days=1), 23, 59))

    response = leader_api.get(URL, {"date": "2025-03-03"})

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [afternoon.pk, morning.pk]
    assert rows[0]["is_group"] is True
    assert rows[0]["receptionist"] == "张进军"
    assert [attendee["name"] for attendee in rows[0]["attendees"]] == ["工人甲", "工人乙"]
    assert rows[0]["petitioners"] == [attendee["petitioner"] for attendee in rows[0]["attendees"]]


@pytest.mark.django_db
def test_list_defaults_to_today_and_filters_by_window(reception_api, make_visit, reference):
    other = WindowFactory(name="2号窗口")
    here = make_visit()
    make_visit(window=other)
    make_visit(at=timezone.now() - datetime.timedelta(days=2))

    everything = reception_api.get(URL).json()["results"]
    one_window = reception_api.get(URL, {"window": reference["window"].pk}).json()["results"]

    assert len(everything) == 2
    assert [row["id"] for row in one_window] == [here.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "field"), [({"date": "2025-02-30"}, "date"), ({"window": "一"}, "window")])
def test_list_refuses_a_bad_query(reception_api, query, field):
    response = reception_api.get(URL, query)

    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.django_db
def test_list_does_not_query_per_visit(reception_api, make_visit, django_assert_max_num_queries):
    for n in range(10):
        make_visit(persons=3, names=(f"甲{n}", f"乙{n}", f"丙{n}"))

    with django_assert_max_num_queries(4):
        response = reception_api.get(URL)

    assert response.json()["count"] == 10


# --- roles -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("api", ["leader_api", "admin_api", "department_api"])
def test_only_the_window_registers(request, api, payload):
    client = request.getfixturevalue(api)

    response = client.post(URL, payload, format="json")

    assert response.status_code == 403
    assert not Visit.objects.exists() and not Petitioner.objects.exists()


@pytest.mark.django_db
def test_department_staff_see_no_visits(department_api, make_visit):
    make_visit()

    assert department_api.get(URL).status_code == 403


@pytest.mark.django_db
def test_administrator_reads_visits(admin_api, make_visit):
    make_visit()

    assert admin_api.get(URL).json()["count"] == 1
