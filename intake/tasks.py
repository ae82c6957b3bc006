from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def snapshot_daily_tally() -> str:
    return str(services.tally_snapshot_take(day=timezone.localdate()).date)
