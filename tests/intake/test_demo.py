"""`manage.py seed_demo`: the demo users and the story's day (shared/seed), loaded once however
often it runs. The day must read as the story ends: "7 batches of ordinary petitions and 1 group
petition"."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from intake.demo import DEMO_PASSWORD, ELDERLY_WOMAN_ID, story_day
from intake.models import Petitioner
from intake.selectors import cases_missing_contact, daily_tally, matter_candidates
from intake.services import id_number_hash

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture
def seeded() -> str:
    return seed_demo()


def test_seed_demo_prints_the_demo_users_and_their_password(seeded):
    assert DEMO_PASSWORD in seeded
    for username in ("reception", "leader", "housing", "labour", "admin"):
        assert f"  {username} " in seeded
    day = story_day(timezone.localdate())
    assert f"/desk/tally/?date={day:%Y-%m-%d}" in seeded


def test_the_demo_users_have_their_roles_and_departments(seeded):
    users = {user.username: user for user in User.objects.select_related("department")}

    assert users["reception"].role == "receptionist"
    assert users["leader"].role == "leader"
    assert (users["housing"].role, users["housing"].department.name) == ("department", "住建局")
    assert (users["labour"].role, users["labour"].department.name) == ("department", "人社局")
    assert users["admin"].is_superuser
    assert all(user.check_password(DEMO_PASSWORD) for user in users.values())


def test_seed_demo_twice_changes_nothing(seeded):
    before = row_counts()

    again = seed_demo()

    assert row_counts() == before
    assert "The story's day was already loaded." in again


def test_seed_demo_again_while_the_hash_key_is_being_retired_changes_nothing(seeded, settings):
    # README, Rotating the keys: a new hash key, the old one kept as retiring, and `make run` again
    # (its restart) before rotate_id_keys has re-hashed the story's people.
    settings.ID_NUMBER_HASH_OLD_KEYS = [settings.ID_NUMBER_HASH_KEY]
    settings.ID_NUMBER_HASH_KEY = "a new hash key for the district, 32 characters or more"
    before = row_counts()

    again = seed_demo()

    assert row_counts() == before
    assert "The story's day was already loaded." in again


def test_the_storys_day_reads_seven_ordinary_batches_one_group_visit_and_one_repeat(seeded):
    tally = daily_tally(day=story_day(timezone.localdate())).total

    assert (tally.ordinary_batches, tally.group_batches, tally.group_persons) == (7, 1, 32)
    assert tally.repeats == 1
    assert tally.new_cases == 7


def test_the_elderly_womans_sons_phone_is_on_her_record(seeded):
    woman = Petitioner.objects.get(id_number_hash=id_number_hash("resident_id", ELDERLY_WOMAN_ID))
    phone = woman.contacts.get(kind="mobile")

    assert woman.name == "沈桂英"
    assert (phone.relation, phone.holder_name) == ("son", "沈建明")
    assert phone.created_by.username == "reception"
    assert not cases_missing_contact().filter(petitioners=woman).exists()


def test_seed_demo_refuses_outside_demo_settings(db):
    with override_settings(DEMO_MODE=False), pytest.raises(CommandError):
        seed_demo()
    assert not User.objects.exists()


def test_the_day_ends_with_the_womans_case_in_the_housing_inbox_and_the_workers_answered(seeded):
    from cases.models import Status
    from cases.selectors import department_inbox, sign_off_queue

    woman = Petitioner.objects.get(id_number_hash=id_number_hash("resident_id", ELDERLY_WOMAN_ID))
    her_case = woman.cases.get()
    group_case = woman.cases.model.objects.get(is_group=True)

    assert (her_case.status, her_case.department.name) == (Status.FORWARDED, "住建局")
    assert her_case in department_inbox(User.objects.get(username="housing"))
    assert group_case.status == Status.CONCLUDED
    assert group_case.sign_offs.get().decision == "answer_at_window"
    # The rest of the day's cases wait for the leader.
    assert sign_off_queue().count() == 5


@pytest.mark.parametrize(
    ("today", "story"),
    [
        (datetime.date(2025, 10, 9), datetime.date(2025, 9, 30)),  # after the National Day week
        (datetime.date(2025, 10, 13), datetime.date(2025, 10, 11)),  # a make-up Saturday
        (datetime.date(2026, 3, 16), datetime.date(2026, 3, 13)),  # an ordinary Monday
    ],
)
def test_the_storys_day_is_the_last_working_day_of_the_bureaus_calendar(today, story):
    assert story_day(today) == story


def test_the_demos_building_materials_works_is_found_again_by_its_organisation(seeded):
    """README: typing 吴江某建材有限公司 at the desk shows the neighbours' open case."""
    [case] = matter_candidates("吴江 某建材有限公司", exclude=[])

    assert case.request == "要求停止夜间施工。"
    assert sorted(case.petitioners.values_list("name", flat=True)) == ["孙立新", "陈美华"]
