"""Two windows register the same new person at the same moment: one record, and a clear message
at the other window, never a second record or an error page."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from intake.models import Petitioner, Visit
from intake.services import Attendee, PetitionerData, VisitData, visit_register
from tests.intake.test_services import case_data

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
