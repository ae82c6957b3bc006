from django.contrib import admin

from .models import Case, CaseEvent, Category, Department, Place, SubjectArea


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
    readonly_fields = ("created_at", "actor", "action", "from_status", "to_status", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only here: a case's status changes only through the workflow service."""

    list_display = ("number", "status", "category", "place", "department", "registered_at")
    list_filter = ("status", "category", "subject_area", "place", "department")
    search_fields = ("number", "tracking_code")
    inlines = [CaseEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
