from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import (
    Case,
    CaseEvent,
    Category,
    Clock,
    Department,
    Extension,
    Forwarding,
    OutboxMessage,
    Place,
    RoutingRule,
    SignOff,
    SubjectArea,
    SupervisionNotice,
)
from .outbox import outbox_retry
from .workflow import action_label


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_court_liaison", "is_active")
    list_filter = ("is_active", "is_court_liaison")
    search_fields = ("name", "code")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_accusation", "sort_order")


@admin.register(SubjectArea)
class SubjectAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sort_order")


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("name", "sort_order")


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "actor", "step", "from_status", "to_status", "note")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("action"))
    def step(self, event: CaseEvent) -> str:
        # The field has no choices (a step's name may change, the stored code may not).
        return action_label(event.action)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For inspection: these rows are written by the workflow services only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Read-only here: a case's status changes only through the workflow service."""

    list_display = ("number", "status", "category", "place", "department", "registered_at")
    list_filter = ("status", "category", "subject_area", "place", "department")
    search_fields = ("number", "tracking_code")
    inlines = [CaseEventInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    """The administrator's routing suggestions; an empty field matches anything."""

    list_display = ("__str__", "category", "subject_area", "place", "department", "priority")
    list_filter = ("department", "category", "subject_area", "place")
    list_select_related = ("category", "subject_area", "place", "department")


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = ("case", "decision", "department", "leader", "report_due", "created_at")
    list_filter = ("decision", "department")
    list_select_related = ("case", "department", "leader")
    search_fields = ("case__number",)
    date_hierarchy = "created_at"


@admin.register(Forwarding)
class ForwardingAdmin(ReadOnlyAdmin):
    list_display = ("case", "department", "sign_off", "created_at")
    list_filter = ("department",)
    list_select_related = ("case", "department", "sign_off")
    search_fields = ("case__number",)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("topic", "object_id", "state", "created_at", "last_sent_at", "done_at", "last_error")
    list_filter = ("state", "topic")
    actions = ["send_again"]

    @admin.action(description=_("Send again (failed or pending)"), permissions=["send_again"])
    def send_again(self, request, queryset):
        sent = outbox_retry(message_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d message sent again.", "%(count)d messages sent again.", sent)
            % {"count": sent},
            messages.SUCCESS if sent else messages.WARNING,
        )

    def has_send_again_permission(self, request) -> bool:
        return request.user.is_administrator


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = ("case", "days", "state", "requested_by", "requested_at", "decided_by", "decided_at")
    list_filter = ("state",)
    list_select_related = ("case", "requested_by", "decided_by")
    search_fields = ("case__number",)


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(ReadOnlyAdmin):
    list_display = ("case", "sent_by", "sent_at", "department", "answered_by", "answered_at", "lapsed_at")
    list_filter = (("answered_at", admin.EmptyFieldListFilter), ("lapsed_at", admin.EmptyFieldListFilter))
    list_select_related = ("case", "sent_by", "department", "answered_by")
    search_fields = ("case__number",)


@admin.register(Clock)
class ClockAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "department", "started_on", "due_on", "provisional", "stopped_at")
    list_filter = ("kind", "department", "provisional", ("stopped_at", admin.EmptyFieldListFilter))
    list_select_related = ("case", "department")
    search_fields = ("case__number",)
