import pytest
from django.utils import timezone

from cases.services import CaseData
from intake.models import Visit
from intake.selectors import cases_missing_contact, daily_tally, repeat_candidates
from intake.services import Attendee, ContactData, PetitionerData, VisitData, contact_add, visit_register


@pytest.mark.django_db
def test_register_elderly_woman_then_son_phone(receptionist, reference):
    case_data = CaseData(
        facts="住宅面临拆迁，安置政策只给40平方米",
        request="希望政府给予帮助",
        category_id=reference["category"].pk,
        subject_area_id=reference["subject_area"].pk,
        place_id=reference["place"].pk,
    )
    visit = visit_register(
        data=VisitData(
            window_id=reference["window"].pk,
            persons=1,
            attendees=(
                Attendee(
                    new=PetitionerData(name="王秀英", id_type="resident_id", id_number="11010519491231002X")
                ),
            ),
            case=case_data,
        ),
        receptionist=receptionist,
    )
    assert visit.case.status == "awaiting_sign_off"
    assert list(cases_missing_contact()) == [visit.case]
    woman = visit.petitioners.get()
    assert woman.id_number_masked == "1101**********002X"
    contact_add(
        petitioner_id=woman.pk,
        data=ContactData(kind="mobile", value="+86 139 1234 5678", relation="son"),
        added_by=receptionist,
    )
    assert list(cases_missing_contact()) == []
    assert repeat_candidates(phone="13912345678") == [woman]
    assert repeat_candidates(id_number="11010519491231002x") == [woman]
    tally = daily_tally(day=timezone.localdate())
    assert tally.total.ordinary_batches == 1 and tally.total.new_cases == 1
    assert Visit.objects.count() == 1
