"""The staff search (issue 4 §4): each kind of key finds its case, a department finds only its own
cases and never an anonymous or accusation case by the people in it, the page lists the results
and exports exactly them, and on PostgreSQL the words are found through the index."""

import csv
import datetime
import io

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import search as search_module
from cases.models import Case
from cases.search import QueryKind, case_search, parse_query, search_cases
from cases.services import CaseData
from cases.views import search as search_views
from intake.services import id_number_hash
from intake.validators import mask_id_number
from tests.factories import (
    CategoryFactory,
    ContactPointFactory,
    PetitionerFactory,
    UserFactory,
    case_create,
    resident_id_number,
)

pytestmark = [pytest.mark.django_db]

HER_ID = resident_id_number(1)
ACCUSER_ID = resident_id_number(2)


def person(name: str, *, id_number: str = "", mobile: str = "", landline: str = "", created_by):
    someone = PetitionerFactory(
        name=name,
        created_by=created_by,
        id_type="resident_id" if id_number else "none",
        id_number=id_number,
        id_number_hash=id_number_hash("resident_id", id_number) if id_number else "",
        id_number_masked=mask_id_number(id_number) if id_number else "",
    )
    if mobile:
        ContactPointFactory(petitioner=someone, kind="mobile", value=mobile, lookup_key=mobile)
    if landline:
        ContactPointFactory(
            petitioner=someone, kind="landline", value=landline, lookup_key=landline.replace("-", "")
        )
    return someone


@pytest.fixture
def bureau(receptionist, reference, department, labour):
    """Four cases, newest last: her housing case and a wage case at 人社局, and at 住建局 an
    accusation and an anonymous case, each with a petitioner the department must not find it by."""
    accusation = CategoryFactory(name="检举控告", code="accusation", is_accusation=True)
    now = timezone.now()

    def case(facts, request, people, department, days_ago, **extra):
        with transaction.atomic():
            created = case_create(
                data=CaseData(
                    facts=facts,
                    request=request,
                    category_id=extra.pop("category_id", reference["category"].pk),
                    subject_area_id=reference["subject_area"].pk,
                    place_id=reference["place"].pk,
                    **extra,
                ),
                registered_by=receptionist,
                petitioner_ids=[someone.pk for someone in people],
                is_group=False,
                at=now - datetime.timedelta(days=days_ago),
                submit=True,
            )
        Case.objects.filter(pk=created.pk).update(department=department)
        return created

    her = person("王秀英", id_number=HER_ID, mobile="13912345678", created_by=receptionist)
    workers = person("沈建国", landline="0512-63001234", created_by=receptionist)
    accuser = person("李明华", id_number=ACCUSER_ID, mobile="13800001111", created_by=receptionist)
    hidden = person("张小红", mobile="13700002222", created_by=receptionist)
    return {
        "housing": case("住宅面临拆迁，安置政策只给40平方米", "希望政府给予帮助", [her], department, 4),
        "wages": case("公司拖欠工资三个月，多次讨要无果", "要求支付拖欠的工资", [workers], labour, 3),
        "accusation": case(
            "反映村干部在征地补偿中优亲厚友",
            "要求调查处理",
            [accuser],
            department,
            2,
            category_id=accusation.pk,
        ),
        "anonymous": case(
            "小区外墙渗水多年，物业推诿不修", "要求维修外墙", [hidden], department, 1, anonymous=True
        ),
    }


def found(user, query: str) -> list[str]:
    return [case.number for case in case_search(user, query)]


# --- each kind of key -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("2026-000123", QueryKind.CASE_NUMBER),
        ("2026-123", QueryKind.CASE_NUMBER),
        ("k7rm-2q9x", QueryKind.TRACKING_CODE),
        (HER_ID, QueryKind.ID_NUMBER),
        ("139 1234 5678", QueryKind.PHONE),
        ("0512-63001234", QueryKind.PHONE),
        ("王秀英", QueryKind.TEXT),
        ("拖欠 工资", QueryKind.TEXT),
        ("E12345678", QueryKind.TEXT),
        ("房", QueryKind.TOO_SHORT),
        ("  ", QueryKind.EMPTY),
    ],
)
def test_the_query_is_read_as_the_key_it_looks_like(query, kind):
    assert parse_query(query).kind == kind


def test_a_case_number_finds_its_case_typed_in_full_or_without_the_zeros(bureau, leader):
    number = bureau["wages"].number
    year, serial = number.split("-")
    assert found(leader, number) == [number]
    assert found(leader, f"{year}-{int(serial)}") == [number]
    assert found(leader, "1999-000001") == []


def test_a_tracking_code_finds_its_case_however_it_is_typed(bureau, leader):
    code = bureau["housing"].tracking_code
    assert found(leader, f" {code[:4].lower()}-{code[4:]} ") == [bureau["housing"].number]


def test_an_id_number_finds_the_cases_of_its_holder_through_the_keyed_hash(bureau, leader):
    assert found(leader, HER_ID) == [bureau["housing"].number]
    # As a Chinese input method types it: full-width digits.
    full_width = HER_ID.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert found(leader, full_width) == [bureau["housing"].number]
    assert found(leader, resident_id_number(3)) == []


def test_a_document_number_is_found_through_the_keyed_hash_too(bureau, leader, receptionist):
    passport = PetitionerFactory(
        name="陈伟",
        created_by=receptionist,
        id_type="other",
        id_number="E12345678",
        id_number_hash=id_number_hash("other", "E12345678"),
    )
    bureau["wages"].petitioners.add(passport)
    assert found(leader, "e1234 5678") == [bureau["wages"].number]


def test_a_phone_finds_the_cases_of_whoever_has_it_as_the_window_normalises_it(bureau, leader):
    assert found(leader, "+86 139-1234-5678") == [bureau["housing"].number]
    assert found(leader, "051263001234") == [bureau["wages"].number]
    assert found(leader, "13900000000") == []


def test_a_name_finds_the_cases_of_people_of_exactly_that_name(bureau, leader):
    assert found(leader, "王秀英") == [bureau["housing"].number]
    assert found(leader, "王秀") == []


def test_words_of_two_or_four_characters_find_the_facts_and_the_request(bureau, leader):
    assert found(leader, "工资") == [bureau["wages"].number]
    assert found(leader, "讨要无果") == [bureau["wages"].number]
    # In the request only.
    assert found(leader, "维修外墙") == [bureau["anonymous"].number]
    # Every word must be there, in either field.
    assert found(leader, "拖欠 支付") == [bureau["wages"].number]
    assert found(leader, "拖欠 拆迁") == []
    assert found(leader, "光伏") == []


def test_latin_letters_in_words_match_whatever_their_case(bureau, leader):
    Case.objects.filter(pk=bureau["wages"].pk).update(facts="在ABC科技公司工作，被拖欠工资")
    assert found(leader, "abc科技") == [bureau["wages"].number]
    assert found(leader, "Abc") == [bureau["wages"].number]


def test_results_are_newest_first(bureau, leader):
    assert found(leader, "要求") == [bureau[key].number for key in ("anonymous", "accusation", "wages")]


def test_a_word_too_common_to_collect_is_still_listed_newest_first(bureau, leader, monkeypatch):
    """Past the limit the search walks the cases instead of collecting them: same cases, same order."""
    monkeypatch.setattr(search_module, "TEXT_MATCH_LIMIT", 1)
    search = search_cases(leader, "要求")
    assert search.more
    assert [case.number for case in search.cases] == [
        bureau[key].number for key in ("anonymous", "accusation", "wages")
    ]


# --- who finds what -------------------------------------------------------------------------------


def test_leader_and_receptionist_find_every_case(bureau, leader, receptionist):
    for user in (leader, receptionist):
        assert found(user, "李明华") == [bureau["accusation"].number]
        assert found(user, "13700002222") == [bureau["anonymous"].number]
        assert found(user, bureau["wages"].number) == [bureau["wages"].number]


def test_a_department_finds_only_its_own_cases(bureau, department_user, labour_user):
    assert found(labour_user, "工资") == [bureau["wages"].number]
    assert found(department_user, "工资") == []
    assert found(department_user, bureau["wages"].number) == []
    assert found(department_user, bureau["wages"].tracking_code) == []
    assert found(department_user, "051263001234") == []
    assert found(department_user, "王秀英") == [bureau["housing"].number]
    assert found(department_user, HER_ID) == [bureau["housing"].number]
    assert found(labour_user, "王秀英") == []


def test_a_department_never_finds_an_accusation_or_anonymous_case_by_its_people(bureau, department_user):
    """The accuser's and the anonymous petitioner's identity stays at the bureau (Art. 30): the
    department finds those cases by their number or their matter, not by who brought them."""
    for query in ("李明华", ACCUSER_ID, "13800001111", "张小红", "13700002222"):
        assert found(department_user, query) == [], query
    assert found(department_user, bureau["accusation"].number) == [bureau["accusation"].number]
    assert found(department_user, "优亲厚友") == [bureau["accusation"].number]
    assert found(department_user, "外墙渗水") == [bureau["anonymous"].number]


# --- the page and its ledger ----------------------------------------------------------------------


def page_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_staff_role_opens_the_search_page(bureau, leader, receptionist, department_user):
    administrator = UserFactory(username="admin", role="administrator")
    for user in (leader, receptionist, department_user, administrator):
        response = page_for(user).get(reverse("cases:search"), {"q": "王秀英"})
        assert response.status_code == 200
        assert bureau["housing"].number in response.content.decode()


@pytest.mark.parametrize("path", ["cases:search", "cases:search_export"])
def test_a_nul_character_in_the_query_is_ignored(bureau, leader, path):
    # A crafted query: PostgreSQL's text cannot hold NUL, and it was a server error.
    response = page_for(leader).get(reverse(path), {"q": "王秀\x00英", "format": "csv"})

    assert response.status_code == 200
    assert bureau["housing"].number in b"".join(response).decode("utf-8-sig")


def test_the_search_page_needs_a_login():
    response = Client().get(reverse("cases:search"), {"q": "工资"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_page_lists_the_results_with_their_count_and_a_link_to_each_case(bureau, leader):
    response = page_for(leader).get(reverse("cases:search"), {"q": "要求"})
    page = response.content.decode()
    assert response.context["paginator"].count == 3
    assert 'data-kind="text"' in page and 'data-count="3"' in page
    for key in ("anonymous", "accusation", "wages"):
        assert reverse("cases:detail", args=[bureau[key].pk]) in page
    assert reverse("cases:search_export") + "?q=%E8%A6%81%E6%B1%82&amp;format=csv" in page


def test_the_page_says_when_nothing_is_found(bureau, leader):
    page = page_for(leader).get(reverse("cases:search"), {"q": "光伏电站"}).content.decode()
    assert "没有找到与“光伏电站”相关的信访件。" in page  # in the bureau's language
    assert reverse("cases:search_export") not in page


def test_the_nav_box_keeps_the_query_on_the_results_page(bureau, leader):
    page = page_for(leader).get(reverse("cases:search"), {"q": "工资"}).content.decode()
    assert 'role="search"' in page
    assert 'name="q" maxlength="200"' in page and 'value="工资"' in page


def test_the_next_page_keeps_the_query(bureau, leader, monkeypatch):
    monkeypatch.setattr(search_views, "PAGE_SIZE", 2)
    client = page_for(leader)
    first = client.get(reverse("cases:search"), {"q": "要求"}).content.decode()
    assert 'href="?q=%E8%A6%81%E6%B1%82&amp;page=2"' in first
    second = client.get(reverse("cases:search"), {"q": "要求", "page": 2})
    assert [case.number for case in second.context["page"]] == [bureau["wages"].number]


def test_a_page_of_results_costs_a_fixed_number_of_queries(bureau, leader, django_assert_max_num_queries):
    client = page_for(leader)
    client.get(reverse("cases:search"), {"q": "要求"})
    # Session and user, the name look-up, the words, the page of cases, the unread badge.
    with django_assert_max_num_queries(7):
        client.get(reverse("cases:search"), {"q": "要求"})


def test_the_ledger_exports_exactly_what_the_search_found(bureau, leader, department_user):
    response = page_for(leader).get(reverse("cases:search_export"), {"q": "要求", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [
        bureau[key].number for key in ("anonymous", "accusation", "wages")
    ]

    response = page_for(department_user).get(reverse("cases:search_export"), {"q": "要求", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    response = page_for(department_user).get(reverse("cases:search_export"), {"q": "要求", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [bureau[key].number for key in ("anonymous", "accusation")]
    # The accuser's name is not in the department's ledger either.
    assert "李明华" not in "".join(rows[2])


def test_the_ledger_answers_only_its_formats(leader):
    response = page_for(leader).get(reverse("cases:search_export"), {"q": "工资", "format": "pdf"})
    assert response.status_code == 404


# --- the index ------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_words_are_looked_up_through_the_search_index(bureau, leader):
    """With so few rows PostgreSQL would rather scan the table: forbidden that, it must still have
    an index for the words, the one migration 0006 made."""
    with CaptureQueriesContext(connection) as queries:
        assert found(leader, "拖欠工资") == [bureau["wages"].number]
    words = [query["sql"] for query in queries.captured_queries if "pd_case_search_keys" in query["sql"]]
    assert len(words) == 1
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + words[0])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on case_search_keys" in plan, plan
    assert "'{工资,拖欠,欠工}'::text[]" in plan, plan


@pytest.mark.postgres
def test_a_department_looks_its_words_up_among_its_own_cases_in_the_index(bureau, labour_user):
    """The index holds each case's department as a key: a department's words are matched against
    its own cases inside the index, not against every department's cases on disk."""
    with CaptureQueriesContext(connection) as queries:
        assert found(labour_user, "拖欠工资") == [bureau["wages"].number]
    words = [query["sql"] for query in queries.captured_queries if "pd_case_search_keys" in query["sql"]]
    assert f"'department:{labour_user.department_id}'" in words[0]


@pytest.mark.postgres
@pytest.mark.parametrize(
    "facts",
    [
        "住宅面临拆迁，安置政策只给她和儿子40平方米",
        "Wang Xiuying ÀÉ 😀 拖欠工资",
        "拆",
        "",
        # A letter copied in whole: twelve pages of it.
        "住宅面临拆迁，安置政策只给她和儿子四十平方米，家庭困难。" * 720 + "最后一句话",
    ],
    ids=["a-sentence", "mixed-scripts", "one-character", "empty", "a-long-letter"],
)
def test_a_cases_index_keys_are_every_two_characters_of_its_text(facts):
    request = "希望政府给予帮助"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pd_case_search_keys(%s, %s, %s)", [facts, request, 7])
        (keys,) = cursor.fetchone()

    pieces = {text.lower()[i : i + 2] for text in (facts, request) for i in range(len(text) - 1)}
    assert set(keys) == pieces | {"department:7"}
    assert len(keys) == len(set(keys))
