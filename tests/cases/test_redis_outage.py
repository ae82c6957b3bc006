"""A Redis outage delays a case and never loses it (README, Architecture), when Redis is the shared
cache too, as deployed: the pages, the sign-off and the forwarding go on without it. Found by a
chaos review (real Redis servers stopped under real workers): every page of a signed-in user was
a server error, and a forwarding under way when Redis went gave its case up for good."""

import re

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

import cases.tasks  # the task the worker runs
from cases.forwarding import cases_forward
from cases.models import Case, Decision, Forwarding, OutboxMessage, OutboxState, Status
from cases.sign_off import SignOffData, case_sign_off
from tests.cases.worker_support import RedisServer, WorkerProcess, broker_purge, lock_waiters, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def spare_redis():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_cache(spare_redis, settings):
    """The deployed cache (settings/base.py with REDIS_URL) on a Redis the test may stop."""
    settings.CACHES = {
        "default": {
            "BACKEND": "petition_desk.cache.ClientKeepingRedisCache",
            "LOCATION": spare_redis.url(14),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    return spare_redis


@pytest.fixture(autouse=True)
def empty_queue():
    broker_purge(settings.REDIS_URL)
    yield
    broker_purge(settings.REDIS_URL)


def sign_off(case: Case, leader, department) -> int:
    data = SignOffData(decision=Decision.FORWARD, department_id=department.pk, instruction="请研究处理")
    case_sign_off(case_id=case.pk, leader=leader, data=data)
    return case.sign_offs.get().pk


def test_the_leader_signs_off_in_the_browser_while_redis_is_down(
    redis_cache, settings, make_case, leader, department
):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    case = make_case()
    browser = Client()
    browser.force_login(leader)  # while Redis is up: the session is in the database and the cache

    redis_cache.stop()
    queue = browser.get("/cases/sign-off/")
    answer = browser.post(
        f"/cases/{case.pk}/sign-off/",
        {
            "sign_off-decision": Decision.FORWARD,
            "sign_off-department": department.pk,
            "sign_off-instruction": "请研究处理",
        },
    )

    assert queue.status_code == 200
    assert answer.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.SIGNED_OFF
    assert OutboxMessage.objects.get(object_id=case.sign_offs.get().pk).state == OutboxState.PENDING


def test_a_relay_batch_forwards_its_cases_while_the_cache_is_down(redis_cache, make_case, leader, department):
    # The holiday calendar the forwarding counts its deadlines with comes from the database.
    sign_off_ids = [sign_off(make_case(), leader, department) for _ in range(3)]
    redis_cache.stop()

    assert cases_forward(sign_off_ids=sign_off_ids) == 3

    assert Forwarding.objects.filter(sign_off_id__in=sign_off_ids).count() == 3
    states = set(OutboxMessage.objects.filter(object_id__in=sign_off_ids).values_list("state", flat=True))
    assert states == {OutboxState.DONE}


def test_a_forwarding_under_way_when_redis_goes_is_carried_out_once(
    spare_redis, make_case, leader, department
):
    # given a forwarding task on our Redis, the worker's broker and cache as deployed
    case = make_case()
    sign_off_id = sign_off(case, leader, department)
    from petition_desk.celery import app

    with app.connection_for_write(spare_redis.url()) as connection:
        cases.tasks.forward_case.apply_async(args=[sign_off_id], connection=connection)

    # when the worker is inside it (the case row held, so that it waits there) and Redis goes
    worker = WorkerProcess(
        broker_url=spare_redis.url(),
        env={"DJANGO_SETTINGS_MODULE": "petition_desk.settings.local", "DJANGO_DEBUG": "false"},
    )
    try:
        with transaction.atomic():
            Case.objects.select_for_update().get(pk=case.pk)
            wait_until(
                lambda: lock_waiters("cases_case"),
                what=lambda: f"the worker waits in the forwarding\n{worker.output()}",
                timeout=60,
            )
            spare_redis.stop()

        def task_over() -> bool:
            return bool(re.search(r"forward_case\[[^\]]+\] (succeeded|raised|retry)", worker.output()))

        wait_until(task_over, what=lambda: f"the forwarding task ends\n{worker.output()}", timeout=60)
    finally:
        worker.stop()

    # then the case is forwarded, once; before, its outbox row was marked failed, never re-sent
    assert Forwarding.objects.filter(case=case).count() == 1
    assert OutboxMessage.objects.get(object_id=sign_off_id).state == OutboxState.DONE
