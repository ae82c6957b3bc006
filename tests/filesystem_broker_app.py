"""A Celery app on `make run`'s broker settings, with one task that leaves a file behind: the
worker and the sender of tests/test_filesystem_broker.py run in processes of their own."""

import os
from pathlib import Path

from celery import Celery

app = Celery("filesystem-broker-test")
app.config_from_object("django.conf:settings", namespace="CELERY")
# A worker that looks at its folder a hundred times a second meets in seconds the half-written
# message that one polling once a second meets only now and then.
app.conf.broker_transport_options = {**app.conf.broker_transport_options, "polling_interval": 0.01}


@app.task(name="tests.record")
def record(number: int, text: str) -> None:
    (Path(os.environ["RECORD_DIR"]) / str(number)).write_text(str(len(text)))
