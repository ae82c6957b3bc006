"""Windows registering at the same moment. The same new person at two windows: one record, and a
clear message at the other window, never a second record or an error page. A registration held
up on its way does not hold up the other windows."""

import threading

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from cases.models import Case
from intake.models import Petitioner, Visit
from intake.services import Attendee, PetitionerData, VisitData, visit_register
from tests.cases.worker_support import database_url_for_workers, wait_until
from tests.intake.test_services import PDF_BYTES, case_data

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WOMAN_ID = "320584194603150428"


def test_two_windows_registering_the_same_id_number_at_once_keep_one_record(receptionist, reference):
    # given two receptionists who start registering her at the same instant
    data = VisitData(
        window_id=reference["window"].pk,
        persons=1,
        attendees=(Attendee(new=PetitionerData(name="沈桂英", id_type="resident_id", id_number=WOMAN_ID)),),
        case=case_data(reference),
    )
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def register():
        start.wait()
        try:
            outcomes.append(visit_register(data=data, receptionist=receptionist))
        except ValidationError as error:
            outcomes.append(error)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=register) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then one visit is registered and the other window is told whose number it is
    visits = [outcome for outcome in outcomes if isinstance(outcome, Visit)]
    refusals = [outcome for outcome in outcomes if isinstance(outcome, ValidationError)]
    assert len(visits) == 1 and len(refusals) == 1
    assert "沈桂英" in refusals[0].message_dict["id_number"][0]
    assert Petitioner.objects.count() == 1
    assert Visit.objects.count() == 1


def test_a_registration_held_up_on_its_way_does_not_hold_up_another_window(receptionist, reference):
    """The year's case number is taken last: its counter row stays locked until commit, and
    taken first it made every other window wait for the whole of a slow registration."""
    year = timezone.localdate().year

    def data(name: str, **fields) -> VisitData:
        return VisitData(
            window_id=reference["window"].pk,
            persons=1,
            attendees=(Attendee(new=PetitionerData(name=name, id_type="none")),),
            case=case_data(reference),
            **fields,
        )

    registered: dict[str, Visit] = {}

    def register(name: str, **fields) -> None:
        try:
            registered[name] = visit_register(data=data(name, **fields), receptionist=receptionist)
        finally:
            connection.close()

    # given a registration with a scanned letter, held up while it writes the letter's row (another
    # session keeps the attachments table locked)
    with (
        psycopg.connect(database_url_for_workers()) as blocker,
        psycopg.connect(database_url_for_workers(), autocommit=True) as observer,
    ):
        blocker.execute("LOCK TABLE cases_attachment IN EXCLUSIVE MODE")
        letter = SimpleUploadedFile("信件.pdf", PDF_BYTES, content_type="application/pdf")
        slow = threading.Thread(target=register, args=("沈桂英",), kwargs={"attachments": (letter,)})
        fast = threading.Thread(target=register, args=("李建国",))
        slow.start()
        try:
            wait_until(
                lambda: observer.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query LIKE 'INSERT INTO \"cases_attachment\"%'"
                ).fetchone(),
                what="the registration with a letter never reached its letter",
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

    # and the held-up registration goes through once it can, with the next number and its letter
    assert registered["沈桂英"].case.number == f"{year}-000002"
    assert Case.objects.get(number=f"{year}-000002").attachments.count() == 1
    assert Visit.objects.count() == 2
