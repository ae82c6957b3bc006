"""The administrator's admin: routing rules are edited there; the workflow's own records are
only inspected; a stuck outbox message can be sent again."""

import queue

import pytest
from django.conf import settings
from django.utils import translation

from cases.forwarding import case_forward, outbox_mark_failed
from cases.handling import case_accept, case_receive, case_request_extension
from cases.models import (
    Case,
    Clock,
    Extension,
    Forwarding,
    OutboxMessage,
    OutboxState,
    RoutingRule,
    SignOff,
    SupervisionNotice,
)
from cases.outbox import outbox_retry
from cases.selectors import suggested_department
from cases.sign_off import SignOffData, case_sign_off, case_supervise
from cases.tasks import forward_case
from cases.workflow import Action
from petition_desk.celery import app as celery_app
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator_client(client):
    client.force_login(UserFactory(username="admin", role="administrator", is_staff=True, is_superuser=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def signed_off(make_case, leader, department):
    """A case forwarded to 住建局, its forwarding task not run yet."""
    case = make_case()
    case_sign_off(
        case_id=case.pk, leader=leader, data=SignOffData(decision="forward", department_id=department.pk)
    )
    return case


def sent_forwardings() -> list[int]:
    """Take the forward_case messages waiting in the broker: the sign-off id of each."""
    sent = []
    with celery_app.connection_for_read() as connection:
        waiting = connection.SimpleQueue(celery_app.conf.task_default_queue)
        try:
            while True:
                message = waiting.get(block=False)
                message.ack()
                if message.headers["task"] == forward_case.name:
                    sent.append(message.payload[0][0])
        except queue.Empty:
            return sent
        finally:
            waiting.close()


# --- routing rules ---------------------------------------------------------------------------


def test_administrator_adds_a_routing_rule_that_the_sign_off_then_suggests(
    administrator_client, make_case, reference, labour
):
    case = make_case()
    assert suggested_department(case) is None
    assert administrator_client.get("/admin/cases/routingrule/add/").status_code == 200

    response = administrator_client.post(
        "/admin/cases/routingrule/add/",
        {
            "category": "",
            "subject_area": reference["subject_area"].pk,
            "place": reference["place"].pk,
            "department": labour.pk,
            "priority": 10,
        },
    )

    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert (rule.category, rule.department) == (None, labour)
    assert suggested_department(case) == labour


def test_routing_rules_are_listed_and_filtered_by_department(
    administrator_client, reference, department, labour
):
    RoutingRule.objects.create(subject_area=reference["subject_area"], department=department)
    RoutingRule.objects.create(place=reference["place"], department=labour)

    response = administrator_client.get("/admin/cases/routingrule/", {"department__id__exact": labour.pk})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list.values_list("department", flat=True)) == [labour.pk]


# --- what the workflow writes is only inspected --------------------------------------------------


@pytest.fixture
def workflow_records(signed_off, leader, department_user):
    case_forward(sign_off_id=signed_off.sign_offs.get().pk)
    case_receive(case_id=signed_off.pk, actor=department_user)
    case_accept(case_id=signed_off.pk, actor=department_user)
    case_request_extension(case_id=signed_off.pk, actor=department_user, days=10, reason="需现场勘查")
    case_supervise(case_id=signed_off.pk, leader=leader, text="请尽快办理")
    return {
        SignOff: signed_off.sign_offs.get(),
        Forwarding: signed_off.forwardings.get(),
        OutboxMessage: OutboxMessage.objects.get(),
        Extension: signed_off.extensions.get(),
        SupervisionNotice: signed_off.supervision_notices.get(),
        Clock: signed_off.clocks.first(),
        Case: signed_off,
    }


@pytest.mark.parametrize(
    "model", [SignOff, Forwarding, OutboxMessage, Extension, SupervisionNotice, Clock, Case]
)
def test_workflow_records_can_be_seen_but_not_added_changed_or_deleted(
    administrator_client, workflow_records, model
):
    record = workflow_records[model]
    base = f"/admin/cases/{model._meta.model_name}/"

    assert administrator_client.get(base).status_code == 200
    assert administrator_client.get(f"{base}{record.pk}/change/").status_code == 200
    assert administrator_client.get(f"{base}add/").status_code == 403
    assert administrator_client.post(f"{base}{record.pk}/change/", {}).status_code == 403
    assert administrator_client.post(f"{base}{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=record.pk).exists()


# --- sending an outbox message again -----------------------------------------------------------


@pytest.fixture
def failed_forwarding(signed_off) -> OutboxMessage:
    """The forwarding task of the sign-off gave up."""
    sign_off_id = signed_off.sign_offs.get().pk
    outbox_mark_failed(sign_off_id=sign_off_id, error="OperationalError('server closed the connection')")
    return OutboxMessage.objects.get(object_id=sign_off_id)


def test_send_again_puts_a_failed_forwarding_back_on_its_way(
    administrator_client, signed_off, failed_forwarding, department, django_capture_on_commit_callbacks
):
    # given a forwarding whose task gave up, and one that was delivered
    done = OutboxMessage.objects.create(
        topic="forward", object_id=failed_forwarding.object_id + 1000, state="done"
    )

    # when the administrator sends both again
    with django_capture_on_commit_callbacks() as callbacks:
        response = administrator_client.post(
            "/admin/cases/outboxmessage/",
            {"action": "send_again", "_selected_action": [failed_forwarding.pk, done.pk]},
            follow=True,
        )

    # then the failed one is pending again and goes to the broker after commit; the done one is
    # untouched
    assert "1 message sent again." in response.content.decode()
    failed_forwarding.refresh_from_db()
    assert failed_forwarding.state == OutboxState.PENDING
    assert failed_forwarding.last_sent_at is not None
    done.refresh_from_db()
    assert (done.state, done.last_sent_at) == (OutboxState.DONE, None)
    assert len(callbacks) == 1
    # and the task, once a worker runs it, delivers the case
    case_forward(sign_off_id=failed_forwarding.object_id)
    signed_off.refresh_from_db()
    assert (signed_off.status, signed_off.department) == ("forwarded", department)


@pytest.mark.redis
def test_send_again_hands_the_forwarding_task_to_the_broker(
    failed_forwarding, django_capture_on_commit_callbacks
):
    sent_forwardings()  # nothing left over from elsewhere

    with django_capture_on_commit_callbacks(execute=True):
        outbox_retry(message_ids=[failed_forwarding.pk])

    assert sent_forwardings() == [failed_forwarding.object_id]


def test_send_again_leaves_done_messages_alone(signed_off, django_capture_on_commit_callbacks):
    sign_off = signed_off.sign_offs.get()
    case_forward(sign_off_id=sign_off.pk)

    with django_capture_on_commit_callbacks() as callbacks:
        sent = outbox_retry(message_ids=list(OutboxMessage.objects.values_list("pk", flat=True)))

    assert (sent, callbacks) == (0, [])
    assert OutboxMessage.objects.get().state == OutboxState.DONE


# --- the case's timeline -----------------------------------------------------------------------


def test_the_timeline_in_the_admin_names_each_step_not_its_code(administrator_client, signed_off):
    administrator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    page = administrator_client.get(f"/admin/cases/case/{signed_off.pk}/change/").content.decode()

    # the step's name, as the case page writes it, not its code ("forward")
    with translation.override("zh-hans"):
        assert f"<p>{Action.FORWARD.label}</p>" in page
    assert "<p>forward</p>" not in page


def test_the_admin_calls_user_groups_groups_not_group_visits(administrator_client):
    # The desk's badge for a group visit (集体访) once translated Django's own word for a group.
    administrator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    page = administrator_client.get("/admin/auth/group/").content.decode()

    assert "选择 组 来修改" in page
    assert "集体访" not in page
