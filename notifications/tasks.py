from celery import shared_task

from . import services


@shared_task(acks_late=True)
def send_notification_emails() -> int:
    return services.notifications_send_emails()


@shared_task
def send_leader_digest() -> int:
    return services.leader_digest_send()
