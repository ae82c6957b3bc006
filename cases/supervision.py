"""Who a leader's supervision notice (督办) is to, and when it lapses.

A notice is to the department that holds the case when it is sent, in a state where that
department can still act on it; sent while no department does (between a return and the next
delivery, or after the case was answered at the window), it is to nobody and no answer is due.
A notice stays its department's to answer until they answer it or can no longer do so: they
returned or declined the case, or it was answered at the window after they gave it back. Then
it lapses, rather than passing to whichever department gets the case next."""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from .models import Case, Clock, Status, SupervisionNotice
from .workflow import Action, department_holds, transition_for


def something_to_supervise(case: Case, report_clock: Clock | None) -> bool:
    """Whether a notice has anything to chase: once closed, a case owes only the completion
    report whose clock (`report_clock`, REPORT) still runs."""
    return case.status != Status.CLOSED or report_clock is not None


def answering_department_id(case: Case) -> int | None:
    """The department that could answer a notice on the case now, if any."""
    if department_holds(case) and transition_for(case.status, Action.ANSWER_SUPERVISION) is not None:
        return case.department_id
    return None


def open_notices(case: Case) -> QuerySet[SupervisionNotice]:
    """The notices the case's department owes an answer to, oldest first."""
    department_id = answering_department_id(case)
    if department_id is None:
        return SupervisionNotice.objects.none()
    return case.supervision_notices.filter(
        department_id=department_id, answered_at__isnull=True, lapsed_at__isnull=True
    )


def answer_owed(case: Case, notices: Iterable[SupervisionNotice]) -> bool:
    """open_notices' rule over notices already loaded (the case page's)."""
    department_id = answering_department_id(case)
    return department_id is not None and any(
        notice.is_open and notice.department_id == department_id for notice in notices
    )


def notices_lapse(case: Case, *, owed_by: int | None) -> None:
    """After a change of the case: if the department that could answer before (`owed_by`) can
    no longer do so, its notices lapse. Asks the database only then (a return, a decline)."""
    if owed_by is not None and answering_department_id(case) != owed_by:
        case.supervision_notices.filter(
            department_id=owed_by, answered_at__isnull=True, lapsed_at__isnull=True
        ).update(lapsed_at=timezone.now())
