from functools import wraps

from django.core.exceptions import PermissionDenied

from .models import Role


def role_required(*roles: Role):
    """Only these roles may open the view; anyone else gets 403. Administrators manage reference
    data and users in the admin site; casework needs a casework role."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


ROLE_HOME = {
    Role.RECEPTIONIST: "intake:desk",
    Role.LEADER: "cases:sign_off_queue",
    Role.DEPARTMENT: "cases:inbox",
    Role.ADMINISTRATOR: "admin:index",
}
