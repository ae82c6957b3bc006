import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "petition_desk.settings.local")

app = Celery("petition_desk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
