from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from .models import Category, Place, SubjectArea
        from .references import keep_reference_ids_of

        keep_reference_ids_of(Category, Place, SubjectArea)
