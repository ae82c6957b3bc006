from django.contrib import admin

from .models import Window


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ("name", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
