"""Every action that changes a case. Top-level services are durable transactions; the helpers
marked as such run inside the caller's transaction (visit registration creates a case)."""

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from notifications.models import Kind
from notifications.services import leaders, notify
from petition_desk.db import insert, insert_without_ids, reserve_ids

from .clocks import clock_start
from .matching import organisation_key
from .models import Case, CaseEvent, CaseNumberCounter, ClockKind, Status
from .supervision import answering_department_id, notices_lapse
from .workflow import EVENTS_WITHOUT_TRANSITION, Action, role_of, transition_for

TRACKING_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read over the phone
TRACKING_CODE_LENGTH = 8


class TransitionNotAllowed(Exception):
    """The action is not allowed in the case's current state (HTTP 409)."""

    def __init__(self, case: Case, action: Action):
        self.case = case
        self.action = action
        super().__init__(
            _("“%(action)s” is not possible while case %(number)s is “%(status)s”.")
            % {
                "action": action.label,
                "number": case.number,
                "status": case.get_status_display(),
            }
        )


@dataclass(frozen=True)
class CaseData:
    facts: str
    request: str
    category_id: int
    subject_area_id: int
    place_id: int
    reasons: str = ""
    organisation: str = ""
    in_litigation: bool = False
    urgent: bool = False
    anonymous: bool = False


def next_case_number(*, year: int) -> str:
    """Within the caller's transaction: one upsert takes the year's next number and keeps its
    counter row locked until commit, so numbers are unique and without gaps from rolled-back
    registrations. Every other registration waits for that lock: take the number last
    (case_registration). PostgreSQL and SQLite (3.35+) both speak this dialect."""
    table = CaseNumberCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last) VALUES (%s, 1) "
            f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [year],
        )
        (last,) = cursor.fetchone()
    return f"{year}-{last:06d}"


def new_tracking_code() -> str:
    """A random code. Its uniqueness is the column's constraint, not a query before every
    registration: with 32⁸ codes, a bureau's million cases make a clash about one registration in
    a million, and the registration is then tried again with another code (visit_register)."""
    return "".join(secrets.choice(TRACKING_CODE_ALPHABET) for _ in range(TRACKING_CODE_LENGTH))


def tracking_code_taken(code: str) -> bool:
    return Case.objects.filter(tracking_code=code).exists()


def record_event(
    *, case: Case, actor: User | None, action: Action, from_status: str, note: str = ""
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=case.status,
        note=note,
        created_at=timezone.now(),
    )


@contextmanager
def case_registration(
    *,
    data: CaseData,
    registered_by: User,
    petitioner_ids: list[int],
    is_group: bool,
    at=None,
    submit: bool = False,
    tracking_code: str | None = None,
    case_id: int | None = None,
) -> Iterator[Case]:
    """Within the caller's transaction (visit registration): a new case, registered and, with
    `submit`, sent for sign-off at once. The block gets the case with its id but not yet written,
    to write the rows that refer to it (the visit); when the block ends the case takes its number
    and is written. The number's counter row stays locked from then until commit, and every other
    registration waits for it: taken first, it made four windows registering at once wait for
    each other's whole registration (bench/README.md). So only what needs the case row or its
    number comes after: a group visit's notice to the leaders, and the caller's attachments.
    Django declares foreign keys deferred, checked at commit, so the rows may precede the case.
    Nobody else can see the new case yet, so the submission is checked against the transition
    table without locking it. A `tracking_code` already taken fails the insert with
    IntegrityError (see new_tracking_code). `case_id`: an id the caller reserved for the case with
    its other rows' (petition_desk.db.reserve_ids)."""
    if not connection.in_atomic_block:
        raise RuntimeError("case_registration runs inside the caller's transaction.")
    registered_at = at or timezone.now()
    actions = [(Action.REGISTER, "", Status.REGISTERED)]
    if submit:
        transition = transition_for(Status.REGISTERED, Action.SUBMIT)
        _check_role(registered_by, transition.roles)
        actions.append((Action.SUBMIT, Status.REGISTERED, transition.to))
    case = Case(
        pk=case_id or reserve_ids({Case: 1})[Case][0],
        tracking_code=tracking_code or new_tracking_code(),
        status=actions[-1][2],
        submitted_at=timezone.now() if submit else None,
        facts=data.facts,
        request=data.request,
        reasons=data.reasons,
        category_id=data.category_id,
        subject_area_id=data.subject_area_id,
        place_id=data.place_id,
        organisation=data.organisation,
        organisation_key=organisation_key(data.organisation),
        in_litigation=data.in_litigation,
        urgent=data.urgent,
        anonymous=data.anonymous,
        is_group=is_group,
        registered_by=registered_by,
        registered_at=registered_at,
    )
    insert_without_ids(
        [
            Case.petitioners.through(case_id=case.pk, petitioner_id=petitioner_id)
            for petitioner_id in petitioner_ids
        ]
    )
    now = timezone.now()
    insert_without_ids(
        [
            CaseEvent(
                case=case,
                actor=registered_by,
                action=action,
                from_status=from_status,
                to_status=to_status,
                created_at=now,
            )
            for action, from_status, to_status in actions
        ]
    )
    clock_start(case=case, kind=ClockKind.FORWARD, start=timezone.localdate(registered_at))
    yield case
    case.number = next_case_number(year=timezone.localtime(registered_at).year)
    insert([case])
    if submit:
        notify_awaiting_sign_off(case)


def _check_role(actor: User | None, roles) -> None:
    if role_of(actor) not in roles:
        raise PermissionDenied(_("Your role may not do this."))


def apply_action(
    *,
    case_id: int,
    actor: User | None,
    action: Action,
    note: str = "",
    changes: dict | None = None,
    guard: Callable[[Case], None] | None = None,
) -> Case:
    """Within the caller's transaction, the one place a case changes state: lock the row, check
    the transition table and the actor (another department's case does not exist for them),
    run the action's own `guard`, save the new status with `changes`, and write the timeline
    entry, which the returned case carries as `step_event` (a letter of the step refers to it).
    `actor` None is the system (a Celery task)."""
    case = Case.objects.select_for_update(no_key=True).get(pk=case_id)
    if actor is not None and actor.is_department_staff and case.department_id != actor.department_id:
        raise Http404
    from_status = case.status
    if action in EVENTS_WITHOUT_TRANSITION:
        _check_role(actor, EVENTS_WITHOUT_TRANSITION[action])
        to_status = case.status
    else:
        transition = transition_for(case.status, action)
        if transition is None:
            raise TransitionNotAllowed(case, action)
        _check_role(actor, transition.roles)
        to_status = transition.to
    if guard is not None:
        guard(case)
    owed_by = answering_department_id(case)
    changes = dict(changes or {})
    if action == Action.SUBMIT:
        changes["submitted_at"] = timezone.now()
    for field, value in changes.items():
        setattr(case, field, value)
    if to_status != from_status or changes:
        case.status = to_status
        case.save(update_fields=["status", *changes])
        notices_lapse(case, owed_by=owed_by)
    case.step_event = record_event(case=case, actor=actor, action=action, from_status=from_status, note=note)
    return case


def case_submit(*, case_id: int, actor: User) -> Case:
    with transaction.atomic(durable=True):
        case = apply_action(case_id=case_id, actor=actor, action=Action.SUBMIT)
        notify_awaiting_sign_off(case)
        return case


def notify_awaiting_sign_off(case: Case) -> None:
    """A group visit is put before the leaders at once; the rest wait for the digest."""
    if case.is_group:
        notify(
            recipients=leaders(),
            kind=Kind.AWAITING_SIGN_OFF,
            case=case,
            message=gettext_lazy("Group visit %(number)s awaits sign-off."),
            params={"number": case.number},
        )


def validate_case_data(data: CaseData) -> None:
    errors = {}
    if not data.facts.strip():
        errors["facts"] = [_("Describe what happened.")]
    if not data.request.strip():
        errors["request"] = [_("Say what the petitioner asks for.")]
    if errors:
        raise ValidationError(errors)
