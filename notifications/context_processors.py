from .selectors import unread_count


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.path.startswith("/api/"):
        return {}
    # A callable: the template counts only when it shows the badge.
    return {"unread_notifications": lambda: unread_count(user)}
