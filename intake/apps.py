from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Intake")

    def ready(self):
        from cases.models import Category, Place, SubjectArea
        from cases.references import keep_reference_ids_of

        from .desk_forms import keep_choices_cached
        from .models import Window

        keep_reference_ids_of(Window)
        keep_choices_cached(Window, Category, SubjectArea, Place)
