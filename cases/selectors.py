"""Queries of cases that several pages and the API share."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from petition_desk.db import planned_afresh

from .clocks import DUE_SOON_DAYS, REMINDED
from .forwarding import STUCK_AFTER
from .matching import organisation_key
from .models import (
    Attachment,
    Case,
    CaseEvent,
    Clock,
    Department,
    Extension,
    ExtensionState,
    OutboxMessage,
    OutboxState,
    RoutingRule,
    Satisfaction,
    SignOff,
    Status,
    SupervisionNotice,
)
from .workflow import WITH_DEPARTMENT, Action

MATTER_CASES_SHOWN = 5


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Department staff see only the cases that name their department (named_department): any
    other case does not exist for them (404). Every other role sees every case. A department
    that gave a case back keeps it in sight, its own part of the record, while it waits for the
    leader; what the leader decides then (a sign-off, perhaps to another department, an answer
    at the window) is no longer its business, though the case row still names it until another
    department's forwarding is delivered (Case.department_gave_back)."""
    if user.is_department_staff:
        return Case.objects.filter(named_department(user.department_id))
    return Case.objects.all()


def named_department(department_id: int) -> Q:
    """The cases that name `department_id` as their receiving department: Case.named_department
    in SQL, so that the case list's filter finds the rows its ledger and its JSON name it on, and
    a department sees the cases it is named on."""
    return Q(department_id=department_id) & (Q(department_gave_back=False) | Q(status=Status.RETURNED))


def identity_withheld_from(user: User, case: Case) -> bool:
    """An anonymous petitioner's identity stays at the bureau, and so does an accuser's (Art. 30:
    never passed on to those the accusation is about). Department staff see neither the people
    of such a case nor its attachments, whose scanned letter bears the name and signature (and
    whose file names may too)."""
    return user.is_department_staff and (case.anonymous or case.category.is_accusation)


def attachments_visible_to(user: User, case: Case) -> QuerySet[Attachment]:
    return Attachment.objects.none() if identity_withheld_from(user, case) else case.attachments.all()


def running_clocks() -> Prefetch:
    return Prefetch(
        "clocks",
        queryset=Clock.objects.filter(stopped_at__isnull=True).order_by("due_on"),
        to_attr="running_clocks",
    )


def open_cases_about(
    organisation: str, *, exclude: Iterable[int] = (), among: QuerySet[Case] | None = None
) -> list[Case]:
    """The newest open cases naming the same organisation (cases.matching.organisation_key), with
    what the case page says of each beside its organisation (status, department); `among`
    narrows them to the cases a user may see (cases_visible_to). The window's look-up asks for
    the same cases in plain SQL, on every keystroke: intake.selectors.matter_candidates."""
    key = organisation_key(organisation)
    if not key:
        return []
    cases = _open_cases_keyed(key, among).exclude(pk__in=list(exclude))
    # A plan made without knowing the key may walk every open case in registration order for a
    # key with none (every name half typed); whether it does depends on the table's statistics.
    # It did in review: 14–29 ms at a million cases, against 0.03 ms planned for the key.
    with planned_afresh():
        return list(
            cases.select_related("department")
            .only("number", "status", "department_gave_back", "department__name")
            .order_by("-registered_at", "-pk")[:MATTER_CASES_SHOWN]
        )


def _open_cases_keyed(key: str, among: QuerySet[Case] | None) -> QuerySet[Case]:
    return (Case.objects.all() if among is None else among).filter(is_open=True, organisation_key=key)


@dataclass(frozen=True)
class SameOrganisation:
    """What the case page says beside its organisation: its newest other open cases, and how
    many more there are."""

    cases: list[Case]
    more: int


def same_organisation_for(user: User, case: Case) -> SameOrganisation:
    """The other open cases about the case's organisation that `user` may see. Department staff
    are shown none on a case whose people are withheld from them, nor such cases on another's
    page: the line would put a withheld petitioner beside her named cases, which the staff search
    never does for them (cases.search)."""
    if not case.organisation_key or identity_withheld_from(user, case):
        return SameOrganisation(cases=[], more=0)
    among = cases_visible_to(user)
    if user.is_department_staff:
        among = among.filter(anonymous=False, category__is_accusation=False)
    cases = open_cases_about(case.organisation, exclude=[case.pk], among=among)
    more = 0
    if len(cases) == MATTER_CASES_SHOWN:
        with planned_afresh():
            more = _open_cases_keyed(case.organisation_key, among).exclude(pk=case.pk).count()
        more -= MATTER_CASES_SHOWN
    return SameOrganisation(cases=cases, more=more)


def sign_off_queue() -> QuerySet[Case]:
    """Cases awaiting sign-off: group visits and urgent cases first, then the oldest; each with
    its running clocks (the 15 days to forward). The order is the partial index
    `case_sign_off_queue`, so a page is read without sorting the whole queue."""
    return (
        Case.objects.filter(status=Status.AWAITING_SIGN_OFF)
        .select_related("category", "subject_area", "place")
        .prefetch_related(running_clocks())
        .order_by("-is_group", "-urgent", "submitted_at", "id")
    )


def returned_cases() -> QuerySet[Case]:
    """Cases a department returned, with its reason (the last return's note) and the count."""
    last_return = CaseEvent.objects.filter(case=OuterRef("pk"), action=Action.RETURN).order_by(
        "-created_at", "-id"
    )
    return (
        Case.objects.filter(status=Status.RETURNED)
        .annotate(return_reason=Subquery(last_return.values("note")[:1]))
        .select_related("category", "subject_area", "place", "department")
        .prefetch_related(running_clocks())
        .order_by("submitted_at", "id")
    )


def pending_extensions() -> QuerySet[Extension]:
    return (
        Extension.objects.filter(state=ExtensionState.PENDING)
        .select_related("case", "case__department", "requested_by")
        .order_by("requested_at", "id")
    )


def leader_tab_counts() -> dict[str, int]:
    """The numbers on the leader's tabs: cases returned and extensions waiting."""
    return {"returned": returned_cases().count(), "extensions": pending_extensions().count()}


def cases_with_pending_extension() -> QuerySet[Case]:
    """The cases of the extension requests list, in its order (the oldest request first). A case
    has at most one pending extension, so the join gives each case once."""
    return (
        Case.objects.filter(extensions__state=ExtensionState.PENDING)
        .select_related("category", "subject_area", "place", "department")
        .order_by("extensions__requested_at", "extensions__id")
    )


def department_inbox(user: User) -> QuerySet[Case]:
    """The department's open cases, newest first, with the days left on each clock. A case it
    returned has left its hands until it is delivered again, perhaps elsewhere (its page still
    opens: the department keeps its history)."""
    return (
        cases_visible_to(user)
        .filter(status__in=WITH_DEPARTMENT)
        .select_related("category", "subject_area", "place")
        .prefetch_related(running_clocks())
        .order_by("-registered_at", "-id")
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
    contacts, visits, attachments, clocks, decisions, extensions, supervision and the timeline."""
    from intake.models import ContactPoint, Visit

    return case_list_for(user).prefetch_related(
        Prefetch("petitioners__contacts", queryset=ContactPoint.objects.select_related("created_by")),
        Prefetch(
            "visits",
            queryset=Visit.objects.select_related("window", "receptionist").order_by("visited_at", "id"),
        ),
        "attachments",
        Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
        running_clocks(),
        Prefetch("sign_offs", queryset=SignOff.objects.select_related("leader", "department")),
        Prefetch("extensions", queryset=Extension.objects.select_related("requested_by", "decided_by")),
        Prefetch(
            "supervision_notices",
            queryset=SupervisionNotice.objects.select_related("sent_by", "answered_by", "department"),
        ),
    )


def suggested_departments(cases: list[Case]) -> dict[int, Department | None]:
    """The routing rules' suggestion for each case, in two queries for a page of cases: a case
    in litigation goes to the court liaison (诉访分离); otherwise the active rule naming the most
    of category, subject area and place wins, then the lower priority."""
    rules = list(RoutingRule.objects.filter(department__is_active=True).select_related("department"))
    court = None
    if any(case.in_litigation for case in cases):
        court = Department.objects.filter(is_court_liaison=True, is_active=True).first()

    def best(case: Case) -> Department | None:
        if case.in_litigation and court:
            return court
        matching = [
            rule
            for rule in rules
            if rule.category_id in (None, case.category_id)
            and rule.subject_area_id in (None, case.subject_area_id)
            and rule.place_id in (None, case.place_id)
        ]
        rule = max(
            matching,
            key=lambda r: sum(f is not None for f in (r.category_id, r.subject_area_id, r.place_id)),
            default=None,
        )
        return rule.department if rule else None

    return {case.pk: best(case) for case in cases}


def suggested_department(case: Case) -> Department | None:
    return suggested_departments([case])[case.pk]


def supervision_list(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> dict:
    """The leader's supervision (督办) list, by reason; one case may appear under several."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    running = Clock.objects.filter(stopped_at__isnull=True, kind__in=REMINDED)
    base = (
        Case.objects.select_related("category", "place", "department")
        .prefetch_related(running_clocks())
        .order_by("registered_at", "id")
    )
    stuck_sign_offs = SignOff.objects.filter(case=OuterRef("pk"), created_at__lte=now - STUCK_AFTER)
    failed = OutboxMessage.objects.filter(
        state=OutboxState.FAILED,
        object_id__in=SignOff.objects.filter(case=OuterRef(OuterRef("pk"))).values("pk"),
    )
    return {
        "overdue": base.filter(Exists(running.filter(case=OuterRef("pk"), due_on__lt=today))),
        "due_soon": base.filter(
            Exists(
                running.filter(
                    case=OuterRef("pk"),
                    due_on__gte=today,
                    due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
                )
            )
        ),
        "stuck": base.filter(status=Status.SIGNED_OFF).filter(Exists(stuck_sign_offs) | Exists(failed)),
        "returned_often": base.filter(returns_count__gte=2, is_open=True),
        "dissatisfied": base.filter(
            Q(satisfaction_department=Satisfaction.DISSATISFIED)
            | Q(satisfaction_bureau=Satisfaction.DISSATISFIED)
        ).exclude(status=Status.CLOSED),
    }
