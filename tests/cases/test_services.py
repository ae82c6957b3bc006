"""Case services: numbers, tracking codes, submitting for sign-off. A refused action changes
nothing: not the status, not the timeline."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation

from cases.models import FINISHED_STATUSES, Case, CaseEvent, CaseNumberCounter, Status
from cases.services import (
    CaseData,
    TransitionNotAllowed,
    apply_action,
    case_submit,
    new_tracking_code,
    next_case_number,
)
from cases.workflow import Action
from tests.factories import PetitionerFactory, case_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def registered_case(receptionist, reference) -> Case:
    """A case just registered (not yet submitted), as the visit registration creates it."""
    woman = PetitionerFactory(name="王秀英", created_by=receptionist)
    with transaction.atomic():
        return case_create(
            data=CaseData(
                facts="住宅面临拆迁",
                request="希望政府给予帮助",
                category_id=reference["category"].pk,
                subject_area_id=reference["subject_area"].pk,
                place_id=reference["place"].pk,
            ),
            registered_by=receptionist,
            petitioner_ids=[woman.pk],
            is_group=False,
        )


def timeline(case: Case) -> list[tuple]:
    return list(
        CaseEvent.objects.filter(case=case)
        .order_by("created_at", "id")
        .values_list("action", "from_status", "to_status", "actor__username")
    )


def test_a_new_case_is_registered_with_its_first_timeline_entry(registered_case, receptionist):
    assert registered_case.status == "registered"
    assert registered_case.submitted_at is None
    assert timeline(registered_case) == [("register", "", "registered", "reception")]
    assert registered_case.petitioners.get().name == "王秀英"


def test_the_receptionist_submits_a_registered_case_for_sign_off(registered_case, receptionist):
    # when
    case = case_submit(case_id=registered_case.pk, actor=receptionist)

    # then
    case.refresh_from_db()
    assert case.status == "awaiting_sign_off"
    assert case.submitted_at is not None and case.submitted_at <= timezone.now()
    assert timeline(case)[-1] == ("submit", "registered", "awaiting_sign_off", "reception")


def test_a_case_sent_back_to_the_window_can_be_submitted_again(registered_case, receptionist):
    Case.objects.filter(pk=registered_case.pk).update(status="back_to_window")

    case = case_submit(case_id=registered_case.pk, actor=receptionist)

    assert case.status == "awaiting_sign_off"
    assert timeline(case)[-1] == ("submit", "back_to_window", "awaiting_sign_off", "reception")


def test_submitting_twice_is_refused_and_changes_nothing(registered_case, receptionist):
    # given a case already awaiting sign-off
    case_submit(case_id=registered_case.pk, actor=receptionist)
    before = Case.objects.values().get(pk=registered_case.pk)
    events_before = timeline(registered_case)

    # when
    with pytest.raises(TransitionNotAllowed) as refusal:
        case_submit(case_id=registered_case.pk, actor=receptionist)

    # then the message names the action, the case and its status; nothing changed
    assert str(refusal.value) == (
        f"“Submitted for sign-off” is not possible while case {registered_case.number} "
        "is “Awaiting sign-off”."
    )
    assert refusal.value.action == Action.SUBMIT
    assert Case.objects.values().get(pk=registered_case.pk) == before
    assert timeline(registered_case) == events_before


def test_a_leader_may_not_submit_and_nothing_changes(registered_case, leader):
    events_before = timeline(registered_case)

    with pytest.raises(PermissionDenied):
        case_submit(case_id=registered_case.pk, actor=leader)

    registered_case.refresh_from_db()
    assert registered_case.status == "registered" and registered_case.submitted_at is None
    assert timeline(registered_case) == events_before


def test_a_repeat_visit_is_recorded_without_changing_the_status(registered_case, receptionist):
    with transaction.atomic():
        case = apply_action(
            case_id=registered_case.pk, actor=receptionist, action=Action.REPEAT_VISIT, note="再次来访"
        )

    assert case.status == "registered"
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert (event.action, event.from_status, event.to_status, event.note) == (
        "repeat_visit",
        "registered",
        "registered",
        "再次来访",
    )


def test_only_the_window_records_a_repeat_visit(registered_case, leader):
    events_before = timeline(registered_case)

    with pytest.raises(PermissionDenied), transaction.atomic():
        apply_action(case_id=registered_case.pk, actor=leader, action=Action.REPEAT_VISIT)

    assert timeline(registered_case) == events_before


def test_case_numbers_count_up_per_year_without_gaps():
    with transaction.atomic():
        numbers = [next_case_number(year=2025) for _ in range(3)] + [next_case_number(year=2026)]

    assert numbers == ["2025-000001", "2025-000002", "2025-000003", "2026-000001"]
    assert CaseNumberCounter.objects.get(year=2025).last == 3


def test_a_rolled_back_registration_leaves_no_gap_in_the_numbers():
    with transaction.atomic():
        next_case_number(year=2025)
    try:
        with transaction.atomic():
            next_case_number(year=2025)
            raise RuntimeError("the registration failed")
    except RuntimeError:
        pass
    with transaction.atomic():
        assert next_case_number(year=2025) == "2025-000002"


def test_the_case_number_year_is_the_local_year(receptionist, reference):
    """00:30 on 1 January 2025 in Shanghai is 31 December 2024 in UTC: the case is a 2025 case."""
    at = datetime.datetime(2024, 12, 31, 16, 30, tzinfo=datetime.UTC)
    with transaction.atomic():
        case = case_create(
            data=CaseData(
                facts="事实",
                request="诉求",
                category_id=reference["category"].pk,
                subject_area_id=reference["subject_area"].pk,
                place_id=reference["place"].pk,
            ),
            registered_by=receptionist,
            petitioner_ids=[],
            is_group=False,
            at=at,
        )

    assert re.fullmatch(r"2025-\d{6}", case.number)
    assert case.registered_at == at


def test_tracking_codes_are_8_characters_that_cannot_be_misread():
    """Read over the phone: no 0/O and no 1/I, and only capitals and digits."""
    codes = [new_tracking_code() for _ in range(300)]

    for code in codes:
        assert re.fullmatch(r"[2-9A-HJ-NP-Z]{8}", code), code
    # 300 codes of 32^8 possibilities: all different, and every allowed character turns up
    assert len(set(codes)) == len(codes)
    assert set("".join(codes)) == set("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")


def test_the_database_keeps_a_case_open_until_it_is_declined_concluded_or_closed(registered_case):
    """Case.is_open is computed by the database from the status, in every state the case can be in:
    the open-case lists and their index read it."""
    for status in Status:
        Case.objects.filter(pk=registered_case.pk).update(status=status)

        is_open = Case.objects.filter(pk=registered_case.pk, is_open=True).exists()

        assert is_open == (status not in FINISHED_STATUSES), status
