from accounts.models import User

from .models import Notification

# The badge says "99+" beyond this: counting a backlog of thousands on every page is wasted work.
UNREAD_SHOWN = 99


def unread_count(user: User) -> int:
    """Unread notifications, counted up to UNREAD_SHOWN + 1."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True)[: UNREAD_SHOWN + 1].count()


def notifications_for(user: User):
    return Notification.objects.filter(recipient=user).select_related("case")
