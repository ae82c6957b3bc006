"""The letters rendered by a real Celery worker on Redis after the step commits, and again by
the relay when their message was lost (issue 4 §1; nothing lost, nothing done twice)."""

import datetime

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

import cases.tasks  # noqa: F401  (the shared tasks the test worker runs)
import documents.tasks  # noqa: F401
from documents.models import DocumentState
from documents.services import documents_relay
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
