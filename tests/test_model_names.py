"""The admin site names every column, filter and model by its verbose name: in the bureau's
language, none of them may be left in English."""

import re

from django.apps import apps
from django.utils import translation

OUR_APPS = ("accounts", "intake", "cases", "notifications", "documents", "workdays")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def untranslated_names() -> list[str]:
    offenders = []
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            if not CHINESE.search(str(model._meta.verbose_name)):
                offenders.append(f"{model._meta.label}: {model._meta.verbose_name}")
            if not CHINESE.search(str(model._meta.verbose_name_plural)):
                offenders.append(f"{model._meta.label} (plural): {model._meta.verbose_name_plural}")
            for field in model._meta.get_fields():
                if not getattr(field, "concrete", False) or field.auto_created:
                    continue
                if not CHINESE.search(str(field.verbose_name)):
                    offenders.append(f"{model._meta.label}.{field.name}: {field.verbose_name}")
    return offenders


def test_every_model_and_field_has_a_chinese_name():
    with translation.override("zh-hans"):
        offenders = untranslated_names()

    assert not offenders, "names left in English under zh-hans:\n" + "\n".join(offenders)
