"""Windows registering at the same moment. The same new person at two windows: one record, and a
clear message at the other window, never a second record or an error page. A registration held
up on its way does not hold up the other windows."""

import threading
import uuid

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from intake.models import Petitioner, Visit
from intake.services import Attendee, PetitionerData, VisitData, visit_register
from tests.cases.worker_support import database_url_for_workers, wait_until
from tests.factories import PetitionerFactory
from tests.intake.test_services import case_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WOMAN_ID = "320584194603150428"


def registered_twice_at_once(data: VisitData, receptionist) -> list[object]:
    """The same registration from two threads released at the same instant: each one's visit,
    or whatever it raised."""
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def register():
        start.wait()
        try:
            outcomes.append(visit_register(data=data, receptionist=receptionist))
        except Exception as error:  # the refusal, or whatever else went wrong, for the asserts
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_windows_registering_the_same_id_number_at_once_keep_one_record(receptionist, reference):
    # given two receptionists who start registering her at the same instant
    data = VisitData(
        window_id=reference["window"].pk,
        persons=1,
        attendees=(Attendee(new=PetitionerData(name="沈桂英", id_type="resident_id", id_number=WOMAN_ID)),),
        case=case_data(reference),
    )
    # when
    outcomes = registered_twice_at_once(data, receptionist)

    # then one visit is registered and the other window is told whose number it is
    visits = [outcome for outcome in outcomes if isinstance(outcome, Visit)]
    refusals = [outcome for outcome in outcomes if isinstance(outcome, ValidationError)]
    assert len(visits) == 1 and len(refusals) == 1
    assert "沈桂英" in refusals[0].message_dict["id_number"][0]
    assert Petitioner.objects.count() == 1
    assert Visit.objects.count() == 1


def test_the_same_desk_page_sent_twice_at_once_registers_one_visit(receptionist, reference):
    # given the same page's registration, sent twice at the same instant (a double click)
    data = VisitData(
        window_id=reference["window"].pk,
        persons=1,
        attendees=(Attendee(new=PetitionerData(name="沈桂英")),),
        case=case_data(reference),
        submission=uuid.uuid4(),
    )
    outcomes = registered_twice_at_once(data, receptionist)

    # then both answers are the one visit registered, and she has one record
    assert all(isinstance(outcome, Visit) for outcome in outcomes), outcomes
    assert len({outcome.pk for outcome in outcomes}) == 1
    assert (Visit.objects.count(), Petitioner.objects.count()) == (1, 1)


def test_a_registration_held_up_on_its_way_does_not_hold_up_another_window(receptionist, reference):
    """The year's case number is taken last: its counter row stays locked until commit, and
    taken first it made every other window wait for the whole of a slow registration."""
    year = timezone.localdate().year
    known = PetitionerFactory(name="沈桂英")
    registered: dict[str, Visit] = {}

    def register(name: str, attendee: Attendee) -> None:
        data = VisitData(
            window_id=reference["window"].pk, persons=1, attendees=(attendee,), case=case_data(reference)
        )
        try:
            registered[name] = visit_register(data=data, receptionist=receptionist)
        finally:
            connection.close()

    with (
        psycopg.connect(database_url_for_workers()) as blocker,
        psycopg.connect(database_url_for_workers(), autocommit=True) as observer,
    ):
        # given a registration held up in the middle: another session has written, and not yet
        # committed, the link between her and the case id the registration will get next
        (last_id,) = blocker.execute("SELECT nextval(pg_get_serial_sequence('cases_case', 'id'))").fetchone()
        blocker.execute(
            "INSERT INTO cases_case_petitioners (case_id, petitioner_id) VALUES (%s, %s)",
            [last_id + 1, known.pk],
        )
        slow = threading.Thread(target=register, args=("沈桂英", Attendee(petitioner_id=known.pk)))
        fast = threading.Thread(
            target=register, args=("李建国", Attendee(new=PetitionerData(name="李建国", id_type="none")))
        )
        slow.start()
        try:
            wait_until(
                lambda: observer.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query LIKE '%INSERT INTO \"cases_case_petitioners\"%'"
                ).fetchone(),
                what="the registration was never held up",
            )

            # when another window registers a visit meanwhile
            fast.start()
            fast.join(timeout=20)

            # then it is registered at once, and numbered first
            assert "李建国" in registered, "the second window waited for the first one's registration"
            assert registered["李建国"].case.number == f"{year}-000001"
        finally:
            blocker.rollback()
            for thread in (slow, fast):
                if thread.is_alive():
                    thread.join(timeout=30)

    # and the held-up registration goes through once it can, with the next number
    assert registered["沈桂英"].case.number == f"{year}-000002"
    assert list(registered["沈桂英"].case.petitioners.all()) == [known]
    assert Visit.objects.count() == 2
