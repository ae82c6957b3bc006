"""Two leaders sign off the same case at the same moment (issue 3 §9): one wins, the other is
told the case has moved on (409), and the case reaches its department once."""

import threading

import pytest
from django.db import connections, transaction
from django.utils import translation

from cases.forwarding import case_forward
from cases.models import Case, Decision, Forwarding, OutboxMessage, SignOff, Status
from cases.services import TransitionNotAllowed
from cases.sign_off import SignOffData, case_sign_off
from cases.workflow import Action
from petition_desk.api_errors import exception_handler
from tests.cases.worker_support import lock_waiters, wait_until
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_leaders_signing_off_at_once_forward_the_case_once(make_case, leader, department):
    # given a case awaiting sign-off, and two leaders at their desks
    case = make_case()
    deputy = UserFactory(username="deputy", role="leader")
    start = threading.Barrier(3, timeout=30)
    outcomes: dict[str, object] = {}

    def sign_off(user, instruction):
        try:
            start.wait()
            with translation.override("en"):  # each thread has its own active language
                outcomes[user.username] = case_sign_off(
                    case_id=case.pk,
                    leader=user,
                    data=SignOffData(
                        decision=Decision.FORWARD, department_id=department.pk, instruction=instruction
                    ),
                )
        except Exception as error:  # the loser's refusal, or whatever else went wrong, for the asserts
            outcomes[user.username] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=sign_off, args=(user, instruction))
        for user, instruction in ((leader, "请住建局研究处理"), (deputy, "请住建局尽快处理"))
    ]

    # when both press "sign off" while the row is held, so both are inside case_sign_off at once
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)
        for thread in threads:
            thread.start()
        start.wait()
        wait_until(lambda: len(lock_waiters("cases_case")) == 2, what="both sign-offs wait for the case row")
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)

    # then one sign-off is saved and the other is refused as not possible any more
    winners = [user for user, outcome in outcomes.items() if isinstance(outcome, Case)]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, TransitionNotAllowed)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    response = exception_handler(losers[0], {})
    assert response.status_code == 409
    assert response.data["detail"] == str(losers[0])
    assert f"while case {case.number} is “Signed off”" in response.data["detail"]

    sign_off = SignOff.objects.get()
    assert sign_off.leader.username == winners[0]
    assert OutboxMessage.objects.count() == 1
    assert (
        list(case.events.filter(action=Action.FORWARD).values_list("actor__username", flat=True)) == winners
    )

    # when the forwarding task runs for it, twice as a redelivered message would
    case_forward(sign_off_id=sign_off.pk)
    case_forward(sign_off_id=sign_off.pk)

    # then the case is in 住建局's inbox once
    case.refresh_from_db()
    assert (case.status, case.department) == (Status.FORWARDED, department)
    assert Forwarding.objects.filter(case=case).count() == 1
