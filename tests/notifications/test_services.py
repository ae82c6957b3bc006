"""Telling people (issue 3 §7): in-app notifications, the emails that follow them, and the
leaders' digest of cases awaiting sign-off."""

import datetime
import smtplib

import pytest
from django.core.mail.backends import locmem
from django.db import transaction
from django.utils import timezone, translation

from cases.services import CaseData
from cases.sign_off import SignOffData, case_sign_off
from notifications.models import Kind, Notification
from notifications.selectors import notifications_for, unread_count
from notifications.services import (
    DIGEST_SETTLE,
    leader_digest_send,
    notification_mark_read,
    notifications_send_emails,
    notify,
)
from tests.factories import PetitionerFactory, UserFactory, case_create

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


class RefusingBackend(locmem.EmailBackend):
    """A mail server that refuses addresses at bounce.example and takes the rest."""

    def send_messages(self, messages):
        for message in messages:
            refused = [address for address in message.to if address.endswith("@bounce.example")]
            if refused:
                raise smtplib.SMTPRecipientsRefused(dict.fromkeys(refused, (550, b"No such user")))
        return super().send_messages(messages)


@pytest.fixture
def make_case(receptionist, reference):
    """A case registered at the window and submitted for sign-off at once."""

    def make(*, is_group: bool = False):
        data = CaseData(
            facts="住宅面临拆迁",
            request="希望政府给予帮助",
            category_id=reference["category"].pk,
            subject_area_id=reference["subject_area"].pk,
            place_id=reference["place"].pk,
        )
        with transaction.atomic():
            return case_create(
                data=data,
                registered_by=receptionist,
                petitioner_ids=[PetitionerFactory(created_by=receptionist).pk],
                is_group=is_group,
                submit=True,
            )

    return make


def tell(*users, email=True, message="Case 2026-000001 is forwarded to you.") -> None:
    with transaction.atomic():
        notify(recipients=users, kind=Kind.NEW_CASE, message=message, email=email)


# --- emails ---------------------------------------------------------------------------------------


def test_each_pending_email_is_sent_once(mailoutbox, settings):
    # given two people told by email
    settings.BUREAU_NAME = "吴江区信访局"
    li = UserFactory(username="li", email="li@example.com")
    wang = UserFactory(username="wang", email="wang@example.com")
    tell(li, wang)

    # when the sender runs twice
    first, second = notifications_send_emails(), notifications_send_emails()

    # then each got one email
    assert (first, second) == (2, 0)
    assert sorted(mail.to[0] for mail in mailoutbox) == ["li@example.com", "wang@example.com"]
    assert mailoutbox[0].subject == "[吴江区信访局] New case"
    assert mailoutbox[0].body == "Case 2026-000001 is forwarded to you."
    assert not Notification.objects.filter(email_pending=True).exists()


def test_someone_without_an_email_address_is_skipped_and_not_tried_again(mailoutbox):
    nobody = UserFactory(username="nobody", email="")
    li = UserFactory(username="li", email="li@example.com")
    tell(nobody, li)

    assert notifications_send_emails() == 1

    assert [mail.to for mail in mailoutbox] == [["li@example.com"]]
    assert not Notification.objects.filter(email_pending=True).exists()
    assert nobody.notifications.count() == 1  # still told in the app


def test_an_in_app_only_notification_sends_no_email(mailoutbox):
    tell(UserFactory(username="li", email="li@example.com"), email=False)

    assert notifications_send_emails() == 0
    assert mailoutbox == []


def test_an_address_the_mail_server_refuses_does_not_hold_up_the_others(mailoutbox, settings):
    # given the first pending email goes to an address that does not exist
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    tell(UserFactory(username="gone", email="gone@bounce.example"))
    tell(UserFactory(username="li", email="li@example.com"))

    # when the sender runs twice
    first, second = notifications_send_emails(), notifications_send_emails()

    # then the others' email went out, once, and the refused one is not tried for ever
    assert (first, second) == (1, 0)
    assert [mail.to for mail in mailoutbox] == [["li@example.com"]]
    assert not Notification.objects.filter(email_pending=True).exists()


# --- the notification centre -------------------------------------------------------------------------


def test_unread_notifications_are_counted_until_read():
    li = UserFactory(username="li")
    tell(li, email=False, message="一")
    tell(li, email=False, message="二")
    assert unread_count(li) == 2

    first = notifications_for(li).get(message="一")
    assert notification_mark_read(user=li, notification_id=first.pk) == 1
    assert unread_count(li) == 1
    assert notification_mark_read(user=li) == 1
    assert unread_count(li) == 0


def test_nobody_can_mark_someone_elses_notification_read():
    li, wang = UserFactory(username="li"), UserFactory(username="wang")
    tell(li, email=False)

    assert notification_mark_read(user=wang, notification_id=li.notifications.get().pk) == 0
    assert unread_count(li) == 1


# --- the leaders: group visits at once, the rest in a digest ------------------------------------------


def test_a_group_visit_is_put_before_the_leaders_at_once(make_case, leader):
    case = make_case(is_group=True)

    notice = leader.notifications.get()
    assert (notice.kind, notice.case, notice.message) == (
        Kind.AWAITING_SIGN_OFF,
        case,
        f"集体访信访件 {case.number} 待签阅。",
    )


def test_an_ordinary_case_waits_for_the_digest(make_case, leader):
    make_case()

    assert not leader.notifications.exists()


def settled() -> datetime.datetime:
    """A digest's time late enough to count what was submitted until now."""
    return timezone.now() + DIGEST_SETTLE


def test_a_case_still_being_registered_when_a_digest_runs_is_counted_by_the_next(make_case, leader):
    # given a case submitted half a minute ago, whose registration may not have committed yet
    case = make_case()
    case.submitted_at = timezone.now() - datetime.timedelta(seconds=30)
    case.save(update_fields=["submitted_at"])

    # when a digest runs now, it leaves the case to the next one, which counts it
    assert leader_digest_send(now=timezone.now()) == 0
    assert leader_digest_send(now=timezone.now() + datetime.timedelta(hours=1)) == 1


def test_the_digest_counts_the_ordinary_cases_submitted_since_the_last_one(make_case, leader, department):
    # given two ordinary cases, a group visit and a case already signed off
    make_case(), make_case(), make_case(is_group=True)
    signed = make_case()
    case_sign_off(
        case_id=signed.pk,
        leader=leader,
        data=SignOffData(decision="forward", department_id=department.pk),
    )
    other_leader = UserFactory(username="leader2", role="leader")

    # when the digest runs
    counted = leader_digest_send(now=settled())

    # then every leader is told of the two ordinary cases still waiting
    assert counted == 2
    for person in (leader, other_leader):
        digest = person.notifications.get(kind=Kind.DIGEST)
        assert digest.message == "2 new cases await your sign-off."


def test_a_second_digest_with_nothing_new_sends_nothing(make_case, leader):
    make_case()
    leader_digest_send(now=settled())

    assert leader_digest_send(now=settled() + datetime.timedelta(seconds=1)) == 0

    assert leader.notifications.filter(kind=Kind.DIGEST).count() == 1


def test_the_next_digest_counts_only_what_came_since(make_case, leader):
    make_case(), make_case()
    leader_digest_send(now=settled())

    make_case()
    counted = leader_digest_send(now=settled() + datetime.timedelta(seconds=1))

    assert counted == 1
    assert list(leader.notifications.filter(kind=Kind.DIGEST).values_list("message", flat=True)) == [
        "1 new case awaits your sign-off.",
        "2 new cases await your sign-off.",
    ]


def test_the_unread_count_stops_at_a_hundred(leader):
    """The badge reads 99+ beyond; a backlog of reminders is not counted on every page."""
    from notifications.models import Kind, Notification

    Notification.objects.bulk_create(
        Notification(recipient=leader, kind=Kind.REMINDER, message=f"催办 {n}") for n in range(150)
    )

    assert unread_count(leader) == 100
