from django.contrib import admin

from .models import CalendarYear, SpecialDay


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "loaded_at")


@admin.register(SpecialDay)
class SpecialDayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "is_working_day")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"
