"""Queries of cases that several pages and the API share."""

from django.db.models import Case as CaseWhen
from django.db.models import IntegerField, QuerySet, Value, When

from accounts.models import User

from .models import Case, Status


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Department staff see only their department's cases: any other case does not exist for
    them (404). Every other role sees every case."""
    if user.is_department_staff:
        return Case.objects.filter(department_id=user.department_id)
    return Case.objects.all()


def sign_off_queue() -> QuerySet[Case]:
    """Cases awaiting sign-off: group visits and urgent cases first, then the oldest."""
    return (
        Case.objects.filter(status=Status.AWAITING_SIGN_OFF)
        .annotate(
            priority=CaseWhen(
                When(is_group=True, then=Value(0)),
                When(urgent=True, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .select_related("category", "subject_area", "place")
        .order_by("priority", "submitted_at", "id")
    )


def department_inbox(user: User) -> QuerySet[Case]:
    return (
        cases_visible_to(user).select_related("category", "subject_area", "place").order_by("-registered_at")
    )


def case_list_for(user: User) -> QuerySet[Case]:
    """The cases a user may see, with what one line of a case list shows."""
    return (
        cases_visible_to(user)
        .select_related("category", "subject_area", "place", "department")
        .order_by("-registered_at", "-id")
    )


def case_detail_for(user: User) -> QuerySet[Case]:
    """The cases a user may see, with everything a case's page shows: petitioners and their
    contacts, visits, attachments and the timeline."""
    from django.db.models import Prefetch

    from intake.models import ContactPoint, Visit

    from .models import CaseEvent

    return case_list_for(user).prefetch_related(
        Prefetch("petitioners__contacts", queryset=ContactPoint.objects.select_related("created_by")),
        Prefetch("visits", queryset=Visit.objects.select_related("window").order_by("visited_at", "id")),
        "attachments",
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
    )
