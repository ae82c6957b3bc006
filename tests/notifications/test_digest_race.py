"""Two leaders' digests at the same moment (a redelivered task, a second beat): the leaders are
told of each case once."""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from notifications.models import DigestRun, Kind
from notifications.services import DIGEST_SETTLE, leader_digest_send
from tests.cases.worker_support import FRESH_ACTIVITY, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def lock_waiters() -> int:
    with connection.cursor() as cursor:
        cursor.execute(FRESH_ACTIVITY)
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize("earlier_digest", [True, False], ids=["after-a-digest", "the-first-digest"])
def test_two_digests_at_once_tell_the_leaders_of_a_case_once(make_case, leader, earlier_digest):
    # given a case awaiting sign-off, submitted since the last digest (if there was one)
    if earlier_digest:
        DigestRun.objects.create(until=timezone.now() - datetime.timedelta(hours=1))
    make_case()
    now = timezone.now() + DIGEST_SETTLE
    counted: list[int] = []

    def digest(seconds_later: int) -> None:
        try:
            counted.append(leader_digest_send(now=now + datetime.timedelta(seconds=seconds_later)))
        finally:
            connections.close_all()

    digests = [threading.Thread(target=digest, args=(seconds,)) for seconds in (0, 1)]

    # when both run while the notifications table is held, so both are inside at once
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE notifications_notification IN SHARE ROW EXCLUSIVE MODE")
        for thread in digests:
            thread.start()
        wait_until(lambda: lock_waiters() == 2, what="both digests wait")
    for thread in digests:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in digests)

    # then one of them counted the case and the leader has one digest
    assert sorted(counted) == [0, 1]
    assert leader.notifications.filter(kind=Kind.DIGEST).count() == 1
