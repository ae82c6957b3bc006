"""The letters rendered by a real Celery worker on Redis after the step commits, and again by
the relay when their message was lost (issue 4 §1; nothing lost, nothing done twice)."""

import datetime
import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.utils import timezone

import cases.tasks  # noqa: F401  (the shared tasks the test worker runs)
import documents.tasks  # noqa: F401
from cases.forwarding import cases_forward
from cases.models import Decision
from cases.sign_off import SignOffData, case_sign_off
from documents.models import DocumentState
from documents.services import documents_relay, documents_render
from tests.cases.steps import forward
from tests.cases.worker_support import DEADLINE, broker_purge, project_celery_settings, wait_until

pytest_plugins = ("celery.contrib.pytest",)

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.pdf,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="session")
def celery_config():
    return project_celery_settings()


@pytest.fixture(scope="session")
def celery_worker_parameters():
    # Letters go to a queue of their own (CELERY_TASK_ROUTES), which the real worker reads too.
    return {"perform_ping_check": False, "shutdown_timeout": DEADLINE, "queues": ["celery", "documents"]}


@pytest.fixture(autouse=True)
def empty_queues():
    broker_purge(settings.REDIS_URL)
    yield
    broker_purge(settings.REDIS_URL)


def all_ready(case) -> bool:
    states = list(case.documents.values_list("state", flat=True))
    return len(states) == 2 and set(states) == {DocumentState.READY}


def test_the_letters_of_a_forwarded_case_are_rendered_by_the_worker(
    celery_worker, make_case, leader, department
):
    # when the case is forwarded (its letters issued in that transaction)
    case = forward(make_case(), leader, department)

    # then the worker renders both PDFs within seconds, once each
    wait_until(lambda: all_ready(case), what="both letters are ready", timeout=DEADLINE)
    for document in case.documents.all():
        assert document.attempts == 1
        with document.file.open("rb") as pdf:
            assert pdf.read(5) == b"%PDF-"


def test_letters_whose_message_was_lost_are_rendered_after_the_relay(
    make_case, leader, department, celery_app
):
    # given a forwarded case whose render messages were lost with the broker's data
    case = forward(make_case(), leader, department)
    broker_purge(settings.REDIS_URL)
    assert set(case.documents.values_list("state", flat=True)) == {DocumentState.PENDING}

    # when the relay runs and a worker starts
    assert documents_relay(older_than=datetime.timedelta(0)) == 2
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=DEADLINE, queues=["documents"]):
        wait_until(lambda: all_ready(case), what="both letters are ready", timeout=DEADLINE)

    # and a second relay finds nothing left to send
    assert documents_relay(older_than=datetime.timedelta(0)) == 0


def test_a_relay_batch_sends_the_letters_of_all_its_cases_in_one_message(
    make_case, leader, department, celery_app
):
    # given three sign-offs whose forwarding messages were lost
    cases = [make_case() for _ in range(3)]
    for case in cases:
        case_sign_off(
            case_id=case.pk,
            leader=leader,
            data=SignOffData(
                decision=Decision.FORWARD, department_id=department.pk, instruction="请研究处理"
            ),
        )
    broker_purge(settings.REDIS_URL)

    # when the relay's batch forwards them
    assert cases_forward(sign_off_ids=[case.sign_offs.get().pk for case in cases]) == 3

    # then their six letters wait for the letters worker in one message, and are all rendered
    with redis.Redis.from_url(settings.REDIS_URL) as client:
        assert client.llen("documents") == 1
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=DEADLINE, queues=["documents"]):
        wait_until(lambda: all(all_ready(case) for case in cases), what="all six letters are ready")


def test_letters_give_way_while_a_case_waits_to_be_forwarded(
    make_case, leader, department, celery_app, settings
):
    settings.DOCUMENTS_YIELD_SECONDS = 1
    # given a forwarded case whose letters are waiting, and another case signed off whose
    # forwarding has not run yet
    forwarded = forward(make_case(), leader, department)
    broker_purge(settings.REDIS_URL)
    waiting = make_case()
    decision = SignOffData(decision=Decision.FORWARD, department_id=department.pk, instruction="请研究处理")
    case_sign_off(case_id=waiting.pk, leader=leader, data=decision)

    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=DEADLINE, queues=["documents"]):
        # when the letters worker takes the render
        assert documents_relay(older_than=datetime.timedelta(0)) == 2
        time.sleep(3)

        # then it renders nothing while the case waits
        assert set(forwarded.documents.values_list("state", flat=True)) == {DocumentState.PENDING}

        # and renders both letters once the case is forwarded
        cases_forward(sign_off_ids=[waiting.sign_offs.get().pk])
        wait_until(lambda: all_ready(forwarded), what="the first case's letters are ready")
        wait_until(lambda: all_ready(waiting), what="the second case's letters are ready")


def test_letters_that_gave_way_are_not_sent_again_by_the_relay_meanwhile(
    make_case, leader, department, settings
):
    # given the letters of a case issued ten minutes ago, and a case waiting to be forwarded
    forwarded = forward(make_case(), leader, department)
    long_ago = timezone.now() - datetime.timedelta(minutes=10)
    forwarded.documents.update(created_at=long_ago, last_sent_at=long_ago)
    decision = SignOffData(decision=Decision.FORWARD, department_id=department.pk, instruction="请研究处理")
    case_sign_off(case_id=make_case().pk, leader=leader, data=decision)
    broker_purge(settings.REDIS_URL)

    # when the letters' render gives way
    assert documents_render(document_ids=list(forwarded.documents.values_list("pk", flat=True))) == 0

    # then their one message waits for them, and the relay adds none
    with redis.Redis.from_url(settings.REDIS_URL) as client:
        assert client.llen("documents") == 1
    assert documents_relay() == 0
