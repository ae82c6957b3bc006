"""The notification centre: each user's own notifications, newest first."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from .models import Notification
from .selectors import notifications_for, unread_count
from .services import notification_mark_read

PAGE_SIZE = 25


@require_GET
def notification_list(request):
    page = Paginator(notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@require_GET
def notification_open(request, pk: int):
    """Following a notification marks it read and leads to its case."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(user=request.user, notification_id=notification.pk)
    if notification.case_id is None:
        return redirect("notifications:list")
    return redirect("cases:detail", pk=notification.case_id)


@require_POST
def notification_read(request, pk: int):
    notification = get_object_or_404(
        Notification.objects.select_related("case"), pk=pk, recipient=request.user
    )
    notification_mark_read(user=request.user, notification_id=notification.pk)
    if request.htmx:
        # The row and the navigation bar's count change in place.
        notification.refresh_from_db(fields=["read_at"])
        return render(
            request,
            "notifications/_read.html",
            {"notification": notification, "unread": unread_count(request.user)},
        )
    return redirect("notifications:list")


@require_POST
def notification_read_all(request):
    count = notification_mark_read(user=request.user)
    messages.success(
        request,
        ngettext("%(count)d notification marked read.", "%(count)d notifications marked read.", count)
        % {"count": count}
        if count
        else _("Nothing was unread."),
    )
    return redirect("notifications:list")
