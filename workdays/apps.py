from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workdays"
    verbose_name = _("Working days")

    def ready(self):
        from .selectors import keep_calendar_cached

        keep_calendar_cached()
