"""The transition table under property-based testing (issue 3 §9): whatever sequence of actions
anyone tries on a case, `apply_action` does exactly what the table says. An accepted action
moves the case to the table's next state and adds one timeline entry; a refused one changes
nothing; the case never reaches a state the table cannot lead to."""

import functools

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accounts.models import Role
from cases.models import Case, CaseEvent, Status
from cases.services import TransitionNotAllowed, apply_action
from cases.workflow import TRANSITIONS, Action, role_of

pytestmark = [pytest.mark.django_db]

# Registration and the timeline-only events are not moves of the workflow.
ACTIONS = [a for a in Action if a not in (Action.REGISTER, Action.REPEAT_VISIT, Action.REMIND)]
ACTORS = ("receptionist", "leader", "own department", "other department", "system")
DELIVERIES = (Action.DELIVER_FORWARDED, Action.DELIVER_ASSIGNED)
ACCEPTED = "accepted"


def reachable_from(start: Status) -> set[Status]:
    seen, frontier = {start}, [start]
    while frontier:
        state = frontier.pop()
        for (from_status, _action), transition in TRANSITIONS.items():
            if from_status == state and transition.to not in seen:
                seen.add(transition.to)
                frontier.append(transition.to)
    return seen


REACHABLE = reachable_from(Status.AWAITING_SIGN_OFF)


def test_the_reachable_states_are_the_lifecycle_after_submission():
    """The reachability invariant below can only fail because something is unreachable: no
    action leads a case back to plain "registered", and every other state can be reached."""
    assert set(Status) - REACHABLE == {Status.REGISTERED}


def expected_outcome(*, status: str, department_id: int | None, action: Action, actor) -> str | type:
    """What the rules say should happen: another department's case does not exist for its staff
    (DESIGN §3), an action absent from the table is refused (409), a role the table does not name
    is refused (403)."""
    if actor is not None and actor.role == Role.DEPARTMENT and actor.department_id != department_id:
        return Http404
    transition = TRANSITIONS.get((Status(status), action))
    if transition is None:
        return TransitionNotAllowed
    if role_of(actor) not in transition.roles:
        return PermissionDenied
    return ACCEPTED


def timeline(case_id: int) -> list[tuple]:
    return list(
        CaseEvent.objects.filter(case_id=case_id)
        .order_by("created_at", "id")
        .values_list("id", "action", "from_status", "to_status", "actor_id", "note")
    )


def test_no_sequence_of_actions_leaves_the_transition_table(
    make_case, receptionist, leader, department, department_user, labour, labour_user
):
    staff = {department.pk: department_user, labour.pk: labour_user}

    def actor_for(name: str, department_id: int | None):
        # Before a delivery the case has no department; 住建局 then plays "its own".
        own = department_id or department.pk
        return {
            "receptionist": receptionist,
            "leader": leader,
            "own department": staff[own],
            "other department": next(user for pk, user in staff.items() if pk != own),
            "system": None,
        }[name]

    @functools.cache
    def allowed_moves(status: str, department_id: int | None) -> list[tuple[Action, str]]:
        return [
            (action, name)
            for action in ACTIONS
            for name in ACTORS
            if expected_outcome(
                status=status,
                department_id=department_id,
                action=action,
                actor=actor_for(name, department_id),
            )
            == ACCEPTED
        ]

    class CaseLifecycle(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            # Each example starts from its own freshly submitted case and leaves nothing behind.
            self.savepoint = transaction.savepoint()
            self.case = make_case()
            self.status = self.case.status
            self.department_id = None
            self.events = timeline(self.case.pk)

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        def actor(self, name: str):
            return actor_for(name, self.department_id)

        def moves(self) -> list[tuple[Action, str]]:
            return allowed_moves(self.status, self.department_id)

        def attempt(self, action: Action, actor_name: str, destination: int) -> None:
            actor = self.actor(actor_name)
            expected = expected_outcome(
                status=self.status, department_id=self.department_id, action=action, actor=actor
            )
            before = self.events
            note = f"step {len(before)}"
            # The forwarding task names the department as it delivers; every other action keeps it.
            changes = {"department_id": destination} if action in DELIVERIES else None
            try:
                with transaction.atomic():
                    apply_action(case_id=self.case.pk, actor=actor, action=action, note=note, changes=changes)
            except (TransitionNotAllowed, PermissionDenied, Http404) as refusal:
                outcome = type(refusal)
            else:
                outcome = ACCEPTED
            assert outcome == expected, f"{action} by {actor_name} in {self.status}"

            case = Case.objects.get(pk=self.case.pk)
            after = timeline(self.case.pk)
            if outcome != ACCEPTED:
                assert (case.status, case.department_id) == (self.status, self.department_id)
                assert after == before
                return
            to = TRANSITIONS[(Status(self.status), action)].to
            assert case.status == to
            assert after[:-1] == before
            _id, *entry = after[-1]
            assert entry == [action, self.status, to, actor.pk if actor else None, note]
            self.status, self.department_id, self.events = case.status, case.department_id, after

        @rule(
            action=st.sampled_from(ACTIONS),
            actor=st.sampled_from(ACTORS),
            destination=st.sampled_from([department.pk, labour.pk]),
        )
        def anyone_tries_anything(self, action, actor, destination):
            self.attempt(action, actor, destination)

        @precondition(lambda self: self.moves())
        @rule(data=st.data(), destination=st.sampled_from([department.pk, labour.pk]))
        def someone_makes_an_allowed_move(self, data, destination):
            # Random tries are mostly refused; this rule carries cases deep into the lifecycle.
            action, actor = data.draw(st.sampled_from(self.moves()))
            self.attempt(action, actor, destination)

        # Both read what `attempt` last read from the database after each try.
        @invariant()
        def the_case_is_where_the_table_can_lead(self):
            assert self.status in REACHABLE

        @invariant()
        def the_timeline_is_one_unbroken_chain(self):
            events = self.events
            assert [to for _id, _a, _f, to, _u, _n in events[:-1]] == [
                from_status for _id, _a, from_status, _t, _u, _n in events[1:]
            ]
            assert events[-1][3] == self.status

    run_state_machine_as_test(
        CaseLifecycle,
        settings=settings(
            max_examples=50,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
