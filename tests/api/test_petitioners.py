import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from intake.models import ContactPoint, Petitioner
from intake.services import ContactData, PetitionerData, clean_contact, clean_identity, petitioner_create
from tests.api.conftest import RESIDENT_ID, row_counts

URL = "/api/v1/petitioners/"


def messages_of(check, *args) -> dict[str, list[str]]:
    """What a service check says about this input, in the active language."""
    with pytest.raises(ValidationError) as error:
        check(*args)
    return error.value.message_dict


@pytest.fixture
def woman(receptionist):
    return petitioner_create(
        data=PetitionerData(
            name="王秀英",
            id_type="resident_id",
            id_number=RESIDENT_ID,
            contacts=(ContactData(kind="mobile", value="13912345678", relation="son"),),
        ),
        created_by=receptionist,
    )


# --- search ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"q": "王秀英"},
        {"q": "139 1234 5678"},
        {"q": "11010519491231002x"},
        {"id_number": "110105 19491231 002X"},
        {"phone": "+86 139-1234-5678"},
    ],
)
def test_search_finds_by_name_phone_or_id_number(reception_api, woman, query):
    response = reception_api.get(URL, query)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [woman.pk]


@pytest.mark.django_db
def test_search_is_exact(reception_api, woman):
    assert reception_api.get(URL, {"q": "王秀"}).json()["results"] == []
    assert reception_api.get(URL, {"phone": "13912345679"}).json()["results"] == []


@pytest.mark.django_db
def test_search_answers_id_numbers_only_masked(reception_api, woman):
    row = reception_api.get(URL, {"q": "王秀英"}).json()["results"][0]

    assert row["id_number_masked"] == "1101**********002X"
    assert "id_number" not in row
    assert RESIDENT_ID not in str(row)
    assert row["contacts"][0] | {"created_at": None} == {
        "id": woman.contacts.get().pk,
        "kind": "mobile",
        "value": "13912345678",
        "relation": "son",
        "holder_name": "",
        "is_primary": True,
        "created_at": None,
        "created_by": "张进军",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{}, {"q": ""}, {"q": "  ", "phone": ""}])
def test_search_without_a_look_up_is_refused_not_listed(reception_api, woman, query):
    response = reception_api.get(URL, query)

    assert response.status_code == 400
    assert response.json()["non_field_errors"]


@pytest.mark.django_db
def test_search_by_something_not_a_phone_is_refused(reception_api):
    response = reception_api.get(URL, {"phone": "12345"})

    assert response.status_code == 400
    assert response.json()["phone"]


@pytest.mark.django_db
def test_search_does_not_query_per_petitioner(reception_api, receptionist, django_assert_max_num_queries):
    for n in range(8):
        petitioner_create(
            data=PetitionerData(
                name="李明",
                contacts=(
                    ContactData(kind="mobile", value=f"1391234{n:04d}"),
                    ContactData(kind="address", value="黎里镇某村12号"),
                ),
            ),
            created_by=receptionist,
        )

    with django_assert_max_num_queries(4):
        response = reception_api.get(URL, {"q": "李明"})

    assert response.json()["count"] == 8


# --- create ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_registers_petitioner_with_contacts(reception_api, receptionist):
    payload = {
        "name": "王秀英",
        "id_type": "resident_id",
        "id_number": RESIDENT_ID,
        "address": "黎里镇某村12号",
        "contacts": [
            {"kind": "landline", "value": "0512 6300 1234"},
            {"kind": "mobile", "value": "+86 139 1234 5678", "relation": "son", "is_primary": True},
        ],
    }

    response = reception_api.post(URL, payload, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    petitioner = Petitioner.objects.get(pk=body["id"])
    assert petitioner.id_number == RESIDENT_ID  # decrypted from its stored form
    assert body["id_number_masked"] == "1101**********002X"
    assert body["gender"] == "female"  # read from the ID number
    assert RESIDENT_ID not in response.content.decode()
    assert [(c["value"], c["is_primary"]) for c in body["contacts"]] == [
        ("13912345678", True),
        ("0512-63001234", False),
    ]
    assert petitioner.created_by == receptionist


@pytest.mark.django_db
def test_create_with_a_name_only(reception_api):
    response = reception_api.post(URL, {"name": "无名氏"}, format="json")

    assert response.status_code == 201
    assert response.json()["id_type"] == "none"
    assert response.json()["contacts"] == []


def _invalid_petitioners():
    bad_id = RESIDENT_ID[:-1] + "9"
    return [
        pytest.param(
            {"name": "  "},
            {"name": messages_of(clean_identity, PetitionerData(name=""))["name"]},
            id="blank name",
        ),
        pytest.param({"name": "王" * 51}, "name", id="name too long"),
        pytest.param({"name": "王秀英", "gender": "x"}, "gender", id="unknown gender"),
        pytest.param({"name": "王秀英", "id_type": "passport"}, "id_type", id="unknown id type"),
        pytest.param(
            {"name": "王秀英", "id_type": "resident_id", "id_number": bad_id},
            {
                "id_number": messages_of(
                    clean_identity, PetitionerData(name="王", id_type="resident_id", id_number=bad_id)
                )["id_number"]
            },
            id="wrong check digit",
        ),
        pytest.param(
            {"name": "王秀英", "id_number": RESIDENT_ID},
            {
                "id_type": messages_of(clean_identity, PetitionerData(name="王", id_number=RESIDENT_ID))[
                    "id_type"
                ]
            },
            id="number without type",
        ),
        pytest.param(
            {
                "name": "王秀英",
                "contacts": [{"kind": "mobile", "value": "13912345678"}, {"kind": "mobile", "value": "1234"}],
            },
            {
                # DRF's list errors are keyed by the position of each bad item.
                "contacts": {"1": messages_of(clean_contact, ContactData(kind="mobile", value="1234"))}
            },
            id="bad mobile, reported at its place",
        ),
        pytest.param(
            {"name": "王秀英", "contacts": [{"kind": "address", "value": "黎里"}]},
            {"contacts": {"0": messages_of(clean_contact, ContactData(kind="address", value="黎里"))}},
            id="address too short",
        ),
        pytest.param(
            {"name": "王秀英", "contacts": [{"kind": "email", "value": "a@b.cn"}]},
            "contacts",
            id="unknown contact kind",
        ),
        pytest.param(
            {
                "name": "王秀英",
                "contacts": [
                    {"kind": "mobile", "value": "13912345678", "is_primary": True},
                    {"kind": "mobile", "value": "13912345679", "is_primary": True},
                ],
            },
            {"contacts": [gettext("Only one contact can be the primary one.")]},
            id="two primary contacts",
        ),
        pytest.param({"name": "王秀英", "contacts": "13912345678"}, "contacts", id="contacts not a list"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("payload", "expected"), _invalid_petitioners())
def test_create_refuses_invalid_field_and_saves_nothing(reception_api, woman, payload, expected):
    before = row_counts()

    response = reception_api.post(URL, payload, format="json")

    assert response.status_code == 400
    if isinstance(expected, str):
        assert list(response.json()) == [expected]
    else:
        assert response.json() == expected
    assert row_counts() == before


@pytest.mark.django_db
def test_create_refuses_an_id_number_already_registered(reception_api, woman):
    before = row_counts()

    response = reception_api.post(
        URL, {"name": "王秀英", "id_type": "resident_id", "id_number": RESIDENT_ID.lower()}, format="json"
    )

    assert response.status_code == 400
    [message] = response.json()["id_number"]
    assert str(woman.pk) in message
    assert row_counts() == before


# --- retrieve and contacts ---------------------------------------------------------------------


@pytest.mark.django_db
def test_retrieve(leader_api, woman):
    response = leader_api.get(f"{URL}{woman.pk}/")

    assert response.status_code == 200
    assert response.json()["name"] == "王秀英"
    assert response.json()["id_number_masked"] == "1101**********002X"


@pytest.mark.django_db
def test_retrieve_unknown_is_404(reception_api):
    assert reception_api.get(f"{URL}999999/").status_code == 404


@pytest.mark.django_db
def test_add_contact_when_she_calls_back(reception_api, receptionist):
    """The woman had no phone; she calls back with her son's number, which becomes primary."""
    woman = petitioner_create(data=PetitionerData(name="王秀英"), created_by=receptionist)

    response = reception_api.post(
        f"{URL}{woman.pk}/contacts/",
        {"kind": "mobile", "value": "139 1234 5678", "relation": "son", "holder_name": "李强"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json() | {"id": None, "created_at": None} == {
        "id": None,
        "kind": "mobile",
        "value": "13912345678",
        "relation": "son",
        "holder_name": "李强",
        "is_primary": True,
        "created_at": None,
        "created_by": "张进军",
    }
    assert woman.contacts.get().lookup_key == "13912345678"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "mobile", "value": "1391234"}, "value"),
        ({"kind": "landline", "value": "63001234"}, "value"),
        ({"kind": "address", "value": ""}, "value"),
        ({"kind": "fax", "value": "0512-63001234"}, "kind"),
        ({"kind": "mobile", "value": "13912345678", "relation": "cousin"}, "relation"),
        ({"kind": "mobile"}, "value"),
        ({"kind": "mobile", "value": "13912345678", "holder_name": "李" * 51}, "holder_name"),
    ],
)
def test_add_contact_refuses_invalid_field(reception_api, woman, payload, field):
    before = row_counts()

    response = reception_api.post(f"{URL}{woman.pk}/contacts/", payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0]
    assert row_counts() == before


@pytest.mark.django_db
def test_add_contact_message_is_the_services(reception_api, woman):
    response = reception_api.post(
        f"{URL}{woman.pk}/contacts/", {"kind": "mobile", "value": "12"}, format="json"
    )

    assert response.json() == messages_of(clean_contact, ContactData(kind="mobile", value="12"))


@pytest.mark.django_db
def test_add_contact_to_unknown_petitioner_is_404(reception_api):
    response = reception_api.post(
        f"{URL}999999/contacts/", {"kind": "mobile", "value": "13912345678"}, format="json"
    )

    assert response.status_code == 404
    assert not ContactPoint.objects.exists()


# --- roles -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("api", ["leader_api", "admin_api"])
def test_leader_and_administrator_read_but_do_not_register(request, api, woman):
    client = request.getfixturevalue(api)
    before = row_counts()

    assert client.get(URL, {"q": "王秀英"}).status_code == 200
    assert client.get(f"{URL}{woman.pk}/").status_code == 200
    assert client.post(URL, {"name": "李明"}, format="json").status_code == 403
    response = client.post(
        f"{URL}{woman.pk}/contacts/", {"kind": "mobile", "value": "13812345678"}, format="json"
    )
    assert response.status_code == 403
    assert row_counts() == before


@pytest.mark.django_db
def test_department_staff_see_no_petitioners(department_api, woman):
    before = row_counts()

    assert department_api.get(URL, {"q": "王秀英"}).status_code == 403
    assert department_api.get(f"{URL}{woman.pk}/").status_code == 403
    assert department_api.post(URL, {"name": "李明"}, format="json").status_code == 403
    response = department_api.post(
        f"{URL}{woman.pk}/contacts/", {"kind": "mobile", "value": "13812345678"}, format="json"
    )
    assert response.status_code == 403
    assert row_counts() == before
