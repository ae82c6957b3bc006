"""Visits registered at the demo window through the service, before the browser opens a page."""

from accounts.models import User
from cases.models import Category, Place, SubjectArea
from cases.services import CaseData
from intake.models import Visit
from intake.services import Attendee, VisitData, visit_register


def registered_at_window(
    bureau,
    attendees: tuple[Attendee, ...],
    *,
    facts: str,
    request: str,
    persons: int = 1,
    subject="housing",
    organisation="",
) -> Visit:
    """A visit to the demo window with a new case about 黎里镇, sent for sign-off."""
    return visit_register(
        data=VisitData(
            window_id=bureau["window"].pk,
            persons=persons,
            attendees=attendees,
            case=CaseData(
                facts=facts,
                request=request,
                category_id=Category.objects.get(code="appeal").pk,
                subject_area_id=SubjectArea.objects.get(code=subject).pk,
                place_id=Place.objects.get(name="黎里镇（汾湖高新区）").pk,
                organisation=organisation,
            ),
        ),
        receptionist=User.objects.get(username="reception"),
    )
