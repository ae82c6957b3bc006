"""The notification centre: each user's own notifications, newest first; read one, read all; the
unread count in the navigation bar."""

import re

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from cases.services import CaseData
from notifications.models import Kind, Notification
from notifications.services import notify
from tests.factories import UserFactory, case_create
from tests.queries import session_queries

pytestmark = [pytest.mark.django_db]


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def badge(html: str) -> str | None:
    """The unread count the navigation bar shows, if any."""
    match = re.search(r'<span id="unread-badge"[^>]*><span class="badge[^"]*">(\d+\+?)', html)
    return match.group(1) if match else None


@pytest.fixture
def told(reference, receptionist, department_user):
    """Three notifications for the 住建局 user, the newest last, and one for somebody else."""
    with transaction.atomic():
        case = case_create(
            data=CaseData(
                facts="住宅面临拆迁",
                request="希望政府给予帮助",
                category_id=reference["category"].pk,
                subject_area_id=reference["subject_area"].pk,
                place_id=reference["place"].pk,
            ),
            registered_by=receptionist,
            petitioner_ids=[],
            is_group=False,
        )
    for number in range(1, 4):
        notify(recipients=[department_user], kind=Kind.NEW_CASE, case=case, message=f"第{number}件")
    notify(recipients=[UserFactory(username="other")], kind=Kind.NEW_CASE, case=case, message="别人的")
    return case


def test_the_centre_lists_my_notifications_newest_first(told, department_user):
    response = client_for(department_user).get(reverse("notifications:list"))

    assert [n.message for n in response.context["page"]] == ["第3件", "第2件", "第1件"]
    assert "别人的" not in response.content.decode()
    assert badge(response.content.decode()) == "3"


def test_the_centre_is_paginated(department_user):
    notify(recipients=[department_user] * 30, kind=Kind.REMINDER, message="催办")

    client = client_for(department_user)

    assert len(client.get(reverse("notifications:list")).context["page"]) == 25
    assert len(client.get(reverse("notifications:list"), {"page": 2}).context["page"]) == 5


def test_following_a_notification_marks_it_read_and_opens_its_case(told, department_user):
    client = client_for(department_user)
    newest = Notification.objects.filter(recipient=department_user).first()

    response = client.get(reverse("notifications:open", args=[newest.pk]))

    assert response["Location"] == reverse("cases:detail", args=[told.pk])
    newest.refresh_from_db()
    assert newest.read_at is not None
    assert badge(client.get(reverse("notifications:list")).content.decode()) == "2"


def test_marking_one_read_in_place_updates_the_row_and_the_badge(told, department_user):
    client = client_for(department_user)
    oldest = Notification.objects.filter(recipient=department_user).last()

    response = client.post(reverse("notifications:read", args=[oldest.pk]), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert f'id="notification-{oldest.pk}"' in html and "Mark read" not in html
    assert 'hx-swap-oob="true"' in html and badge(html) == "2"
    assert Notification.objects.filter(recipient=department_user, read_at__isnull=True).count() == 2


def test_marking_one_read_without_htmx_goes_back_to_the_list(told, department_user):
    oldest = Notification.objects.filter(recipient=department_user).last()

    response = client_for(department_user).post(reverse("notifications:read", args=[oldest.pk]))

    assert response["Location"] == reverse("notifications:list")
    oldest.refresh_from_db()
    assert oldest.read_at is not None


def test_marking_all_read_clears_the_badge(told, department_user):
    response = client_for(department_user).post(reverse("notifications:read_all"), follow=True)

    assert [str(m) for m in response.context["messages"]] == ["3 notifications marked read."]
    assert badge(response.content.decode()) is None
    assert Notification.objects.filter(read_at__isnull=True).count() == 1  # somebody else's


def test_somebody_elses_notification_does_not_exist_for_me(told, department_user):
    theirs = Notification.objects.get(message="别人的")
    client = client_for(department_user)

    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_centre_takes_the_same_queries_however_many_notifications(
    told, department_user, django_assert_num_queries
):
    client = client_for(department_user)
    client.get(reverse("notifications:list"))
    # (session,) user, count, page with cases, unread, department
    queries = 5 + session_queries()
    with django_assert_num_queries(queries):
        client.get(reverse("notifications:list"))
    notify(recipients=[department_user] * 10, kind=Kind.REMINDER, case=told, message="催办")

    with django_assert_num_queries(queries):
        response = client.get(reverse("notifications:list"))
    assert len(response.context["page"]) == 13


def test_a_backlog_of_a_hundred_and_more_reads_99_plus(department_user):
    Notification.objects.bulk_create(
        Notification(recipient=department_user, kind=Kind.REMINDER, message=f"催办 {n}") for n in range(120)
    )

    assert badge(client_for(department_user).get(reverse("cases:inbox")).content.decode()) == "99+"
