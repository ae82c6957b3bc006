"""Forwarding with a real Redis and a real Celery worker, no eager mode (issue 3 §9): a signed-off
case reaches its department within seconds, exactly once, even when the worker dies in the
middle of forwarding or Redis is down when the leader signs off."""

import datetime
import re
import shutil
import time

import pytest
from celery.contrib.testing.app import setup_default_app
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import transaction

import cases.tasks  # noqa: F401  (the shared tasks the test worker runs)
import documents.tasks  # noqa: F401  (forwarding hands the case's letters on)
import notifications.tasks  # noqa: F401
from cases.forwarding import outbox_relay
from cases.models import Case, Decision, Forwarding, OutboxMessage, OutboxState, Status
from cases.selectors import department_inbox
from cases.sign_off import SignOffData, case_sign_off
from tests.cases.worker_support import (
    DEADLINE,
    RedisServer,
    WorkerProcess,
    backend_alive,
    broker_purge,
    broker_queue,
    lock_waiters,
    oldest_unacked_age,
    project_celery_settings,
    wait_until,
)

pytest_plugins = ("celery.contrib.pytest",)

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def celery_config():
    return project_celery_settings()


@pytest.fixture(scope="session")
def celery_worker_parameters():
    # The fixture's start-up check waits for a task result, and the project ignores results.
    return {"perform_ping_check": False, "shutdown_timeout": DEADLINE}


@pytest.fixture(autouse=True)
def empty_queue():
    """Messages other tests left in the broker (their sign-offs enqueue too) are not ours."""
    broker_purge(settings.REDIS_URL)
    yield
    broker_purge(settings.REDIS_URL)


@pytest.fixture
def project_app():
    """The project's own app as the current one, as in the web process: the sign-off and the
    relay publish through it, whatever app an earlier test left current."""
    from petition_desk.celery import app

    with setup_default_app(app):
        app.set_current()
        app.set_default()
        yield app


@pytest.fixture
def workers():
    """Start real worker processes; whatever happens, none outlives the test."""
    started: list[WorkerProcess] = []

    def start(**env) -> WorkerProcess:
        worker = WorkerProcess(broker_url=settings.REDIS_URL, env=env)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def spare_redis():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed: no Redis of our own to stop and start")
    server = RedisServer()
    server.start()
    yield server
    server.stop()


def forward(case: Case, *, leader, department) -> Case:
    return case_sign_off(
        case_id=case.pk,
        leader=leader,
        data=SignOffData(
            decision=Decision.FORWARD, department_id=department.pk, instruction="请住建局研究处理"
        ),
    )


def in_inbox(case: Case, user) -> bool:
    return department_inbox(user).filter(pk=case.pk, status=Status.FORWARDED).exists()


def test_a_signed_off_case_reaches_the_department_inbox_within_seconds(
    celery_worker, make_case, leader, department, department_user
):
    # given a case awaiting sign-off, and a worker listening on Redis
    case = make_case()

    # when the leader forwards it to 住建局
    forward(case, leader=leader, department=department)

    # then it appears in 住建局's inbox, carried there once, its outbox row done
    wait_until(lambda: in_inbox(case, department_user), what="the case is in 住建局's inbox", timeout=15)
    assert Forwarding.objects.filter(case=case).count() == 1
    assert OutboxMessage.objects.get().state == OutboxState.DONE
    assert department_user.notifications.filter(case=case).exists()


def test_a_worker_killed_in_the_middle_of_forwarding_leaves_one_forwarding(
    project_app, workers, make_case, leader, department, department_user
):
    # given a signed-off case whose forwarding task waits in Redis
    case = make_case()
    forward(case, leader=leader, department=department)
    sign_off_id = case.sign_offs.get().pk
    assert broker_queue(settings.REDIS_URL) == {"waiting": 1, "unacked": 0}

    # when a worker takes the task and is killed inside case_forward, the case row held so that
    # it stops there (the outbox row already locked, nothing delivered yet)
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)
        first = workers()
        blocked = wait_until(
            lambda: lock_waiters("cases_case"),
            what=lambda: f"the worker blocks in case_forward\n{first.output()}",
        )
        # It holds the outbox row already: a relay run now would pass it by.
        assert list(OutboxMessage.objects.select_for_update(skip_locked=True)) == []
        first.kill()
    (dead_backend,) = blocked
    wait_until(lambda: not backend_alive(dead_backend), what="the dead worker's transaction rolls back")

    # then nothing of the forwarding happened, and the message waits, taken but never acknowledged
    case.refresh_from_db()
    assert case.status == Status.SIGNED_OFF
    assert not Forwarding.objects.exists()
    assert OutboxMessage.objects.get().state == OutboxState.PENDING
    assert broker_queue(settings.REDIS_URL) == {"waiting": 0, "unacked": 1}

    # when the beat's relay re-sends the row, and a new worker starts whose short visibility
    # timeout hands it the dead worker's message as well
    assert outbox_relay(older_than=datetime.timedelta(0)) == 1
    # A worker hands out again, when it starts, the messages taken longer ago than its visibility
    # timeout, and then only every 100 s: the dead worker's must be older than that second first.
    wait_until(lambda: oldest_unacked_age(settings.REDIS_URL) > 1.5, what="the dead worker's message ages")
    second = workers(CELERY_VISIBILITY_TIMEOUT="1")

    # then both messages are run and acknowledged, and the case was forwarded exactly once. The
    # worker's log: the dead worker's message (forward_case: the Forwarding's id, or None) and the
    # relay's batch (forward_cases: how many it delivered). The log is read from the worker's
    # pipe, and may lag behind the acknowledgement: wait for both lines too.
    def succeeded(task: str) -> list[str]:
        return re.findall(rf"{task}\[[^\]]+\] succeeded in \S+: (\S+)", second.output())

    wait_until(
        lambda: (
            in_inbox(case, department_user)
            and broker_queue(settings.REDIS_URL) == {"waiting": 0, "unacked": 0}
            and succeeded("forward_case")
            and succeeded("forward_cases")
        ),
        what=lambda: f"both messages are handled\n{second.output()}",
    )
    forwarding = Forwarding.objects.get()
    assert forwarding.sign_off_id == sign_off_id
    assert OutboxMessage.objects.get().state == OutboxState.DONE
    # one of them delivered
    single, batch = succeeded("forward_case"), succeeded("forward_cases")
    assert (single, batch) in (([str(forwarding.pk)], ["0"]), (["None"], ["1"]))


def test_a_sign_off_while_redis_is_down_is_forwarded_once_redis_is_back(
    celery_app, spare_redis, make_case, leader, department, department_user
):
    # given a worker on a Redis of our own, and a first case forwarded through it, so the web
    # process holds a connection to the broker as it would after a morning's work
    celery_app.conf.broker_url = spare_redis.url()
    earlier, case = make_case(), make_case()
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=DEADLINE):
        forward(earlier, leader=leader, department=department)
        wait_until(lambda: in_inbox(earlier, department_user), what="the first case is in 住建局's inbox")

        # when Redis goes down and the leader signs off the next case
        spare_redis.stop()
        started = time.monotonic()
        forward(case, leader=leader, department=department)
        took = time.monotonic() - started

        # then the sign-off is saved at once, its outbox row waiting for the broker
        assert took < 5, f"the leader waited {took:.1f} s"
        case.refresh_from_db()
        assert case.status == Status.SIGNED_OFF
        assert OutboxMessage.objects.get(object_id=case.sign_offs.get().pk).state == OutboxState.PENDING

        # when Redis is back and the beat's relay runs
        spare_redis.start()
        assert outbox_relay(older_than=datetime.timedelta(0)) == 1

        # then the worker, reconnected, carries the case to 住建局 once
        wait_until(lambda: in_inbox(case, department_user), what="the case is in 住建局's inbox")
    assert Forwarding.objects.filter(case=case).count() == 1
    assert Forwarding.objects.filter(case=earlier).count() == 1
    assert not OutboxMessage.objects.exclude(state=OutboxState.DONE).exists()


def test_a_sign_off_while_redis_is_frozen_tries_the_broker_once_and_is_forwarded_once_it_thaws(
    celery_app, spare_redis, make_case, leader, department, department_user
):
    """A Redis that accepts connections and answers nothing (stopped, swapping) costs a publish
    its socket timeout. Each retry costs another: with Celery's retry policy the leader waited
    8.5 s for the sign-off page. The outbox relay is the retry, so a publish tries once."""
    # given the web process connected to a Redis of our own, after a first case went through it
    celery_app.conf.broker_url = spare_redis.url()
    earlier, case, later = make_case(), make_case(), make_case()
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=DEADLINE):
        forward(earlier, leader=leader, department=department)
        wait_until(lambda: in_inbox(earlier, department_user), what="the first case is in 住建局's inbox")
    before = spare_redis.connections_received()

    # when Redis freezes and the leader signs off the next case, then another
    with spare_redis.frozen():
        forward(case, leader=leader, department=department)
        forward(later, leader=leader, department=department)

    # then both sign-offs stand, their outbox rows waiting for the relay; the first publish was
    # tried on the connection the web process had, and the second on one new connection, once
    assert spare_redis.connections_received() == before + 1
    for signed_off in (case, later):
        signed_off.refresh_from_db()
        assert signed_off.status == Status.SIGNED_OFF
        assert OutboxMessage.objects.get(object_id=signed_off.sign_offs.get().pk).state == OutboxState.PENDING

    # when the relay runs with Redis thawed and a worker listening. The message the first publish
    # wrote before giving up may arrive after all, once Redis reads it: the relay re-sends what is
    # still pending then, one or both.
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=DEADLINE):
        assert outbox_relay(older_than=datetime.timedelta(0)) in (1, 2)
        # then each case reaches 住建局, once
        wait_until(
            lambda: in_inbox(case, department_user) and in_inbox(later, department_user),
            what="both cases are in 住建局's inbox",
        )
    for forwarded in (earlier, case, later):
        assert Forwarding.objects.filter(case=forwarded).count() == 1
    assert not OutboxMessage.objects.exclude(state=OutboxState.DONE).exists()


def test_the_relay_publishes_only_once_its_transaction_is_committed(
    project_app, make_case, leader, department
):
    # given a signed-off case whose message was lost (the broker emptied)
    case = make_case()
    data = SignOffData(decision=Decision.FORWARD, department_id=department.pk, instruction="请研究处理")
    case_sign_off(case_id=case.pk, leader=leader, data=data)
    broker_purge(settings.REDIS_URL)
    row = OutboxMessage.objects.get()

    # when the relay runs inside a transaction that is rolled back
    with pytest.raises(RuntimeError), transaction.atomic():
        assert outbox_relay(older_than=datetime.timedelta(0)) == 1
        raise RuntimeError("the relay's transaction fails")

    # then nothing was published, and the row is still due
    assert broker_queue(settings.REDIS_URL) == {"waiting": 0, "unacked": 0}
    assert OutboxMessage.objects.get().sends == row.sends

    # when it runs in a transaction that commits, nothing is published before the commit
    with transaction.atomic():
        assert outbox_relay(older_than=datetime.timedelta(0)) == 1
        assert broker_queue(settings.REDIS_URL)["waiting"] == 0
    assert broker_queue(settings.REDIS_URL) == {"waiting": 1, "unacked": 0}
    assert OutboxMessage.objects.get().sends == row.sends + 1
