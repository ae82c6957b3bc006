from accounts.models import User

from .models import Notification


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(user: User):
    return Notification.objects.filter(recipient=user).select_related("case")
