import logging
import os

from celery import Celery
from django.db import InterfaceError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "petition_desk.settings.local")

app = Celery("petition_desk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A database that is briefly away: the tasks retry on these, and a batch stops on them instead
# of marking its items failed (the relays send what is still pending once it is back).
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


def enqueue(task, *args, countdown: float | None = None) -> bool:
    """Send a task, or log and return False when the broker cannot take it. Callers use this
    only for work that is also kept in the database (an outbox row, a pending flag) and picked
    up again by a periodic job, after their action has committed: neither a broker outage nor a
    message it refuses may turn a committed action into an error page."""
    from kombu.exceptions import OperationalError

    logger = logging.getLogger(__name__)
    try:
        # One attempt, the relay being the retry: on a Redis that accepts connections and answers
        # nothing (stopped, swapping), each further attempt costs another socket timeout while the
        # user waits for the page (8.5 s with Celery's retry policy). Opening a connection is
        # tried once too: max_retries in CELERY_BROKER_TRANSPORT_OPTIONS.
        task.apply_async(args=args, countdown=countdown, retry=False)
    except OperationalError:
        logger.warning("Broker unreachable; %s%r left for the relay", task.name, args)
        return False
    except Exception:
        logger.exception("The broker refused %s%r; left for the relay", task.name, args)
        return False
    return True
