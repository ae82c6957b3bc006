from accounts.models import User

from .models import Notification

# The badge says "99+" beyond this: counting a backlog of thousands on every page is wasted work.
UNREAD_SHOWN = 99


def unread_count(user: User) -> int:
    """Unread notifications, counted up to UNREAD_SHOWN + 1. Unordered: with the model's newest-first
    order PostgreSQL sorts every unread one before taking the first 101 (3.5 ms on every page for
    a leader with 30,000 of them, instead of 0.1 ms)."""
    return (
        Notification.objects.filter(recipient=user, read_at__isnull=True)
        .order_by()[: UNREAD_SHOWN + 1]
        .count()
    )


def notifications_for(user: User):
    return Notification.objects.filter(recipient=user).select_related("case")
