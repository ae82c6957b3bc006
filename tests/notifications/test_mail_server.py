"""The emails go to a real mail server over SMTP (aiosmtpd on a port of its own), as in
production: what the server answers decides whether an email is tried again."""

import contextlib
import smtplib

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction

from notifications.models import Kind, Notification
from notifications.services import notifications_send_emails, notify
from tests.cases.worker_support import free_port
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db]

DELIVERED = "250 Message accepted for delivery"


class MailServer:
    """Takes mail for everyone except the addresses given an answer of their own: to the
    address itself (RCPT) or to the email's text (DATA)."""

    def __init__(self):
        self.delivered: list[str] = []
        self.address_answers: dict[str, str] = {}
        self.text_answers: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if answer := self.address_answers.get(address):
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for address in envelope.rcpt_tos:
            if answer := self.text_answers.get(address):
                return answer
        self.delivered.extend(envelope.rcpt_tos)
        return DELIVERED


@pytest.fixture
def mail_server(settings):
    server = MailServer()
    controller = Controller(server, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield server
    controller.stop()


def tell(*users) -> None:
    with transaction.atomic():
        notify(recipients=users, kind=Kind.NEW_CASE, message="案件 2026-000001 已转送你单位。", email=True)


def send() -> None:
    """The periodic sender's run; an error it raises leaves its rows for the next run."""
    with contextlib.suppress(smtplib.SMTPException):
        notifications_send_emails()


@pytest.mark.parametrize(
    ("refusal", "answer"),
    [
        ("address_answers", "550 5.1.1 No such user"),
        ("text_answers", "554 5.7.1 Message rejected by content policy"),
    ],
)
def test_an_email_refused_for_good_is_not_tried_again_and_holds_up_nobody(mail_server, refusal, answer):
    # given the oldest pending email is one the mail server refuses for good
    director = UserFactory(username="director", email="director@example.com")
    getattr(mail_server, refusal)[director.email] = answer
    tell(director)
    tell(UserFactory(username="li", email="li@example.com"))

    # when the sender runs, and runs again 20 s later
    send()
    send()

    # then 李's email went out once, and the director's is not pending any more
    assert mail_server.delivered == ["li@example.com"]
    assert not Notification.objects.filter(email_pending=True).exists()
    assert director.notifications.count() == 1  # still told in the app


@pytest.mark.parametrize(
    ("refusal", "answer"),
    [
        ("address_answers", "450 4.2.0 Greylisted, try again later"),
        ("text_answers", "451 4.3.0 Temporary local problem"),
    ],
)
def test_an_email_the_server_cannot_take_now_goes_out_on_a_later_run(mail_server, refusal, answer):
    # given the mail server answers 李's email "try again later"
    li = UserFactory(username="li", email="li@example.com")
    getattr(mail_server, refusal)[li.email] = answer
    tell(li)

    # when the sender runs, then again once the server takes it
    send()
    assert mail_server.delivered == []
    assert Notification.objects.filter(email_pending=True).count() == 1
    getattr(mail_server, refusal).clear()
    send()

    # then it went out once
    assert mail_server.delivered == ["li@example.com"]
    assert not Notification.objects.filter(email_pending=True).exists()


def test_an_email_the_server_cannot_take_now_holds_up_nobody(mail_server):
    # given the oldest pending email is to a mailbox that is full for now
    director = UserFactory(username="director", email="director@example.com")
    mail_server.address_answers[director.email] = "452 4.2.2 Mailbox full"
    tell(director)
    tell(UserFactory(username="li", email="li@example.com"))

    # when the sender runs
    send()

    # then 李's email went out, and the director's waits for a later run
    assert mail_server.delivered == ["li@example.com"]
    assert Notification.objects.filter(email_pending=True).get().recipient == director
