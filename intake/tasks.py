import datetime

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def snapshot_daily_tally() -> str:
    """Yesterday's tally, whole: run just after midnight, and hourly in case that run was lost."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    return str(services.tally_snapshot_take(day=yesterday).date)
