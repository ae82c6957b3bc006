import datetime

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def snapshot_daily_tally() -> str:
    """Run just after midnight: yesterday's tally, whole."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    return str(services.tally_snapshot_take(day=yesterday).date)
