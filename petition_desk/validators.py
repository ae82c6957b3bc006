"""Checks that the forms and the API of every app share."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The bureau's records begin in this century and end long before the calendar does: a date
# outside is a typing mistake (0202 for 2026 made case number 202-000001), and a day's bounds at
# 9999-12-31 are past the last date Python can hold.
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2099, 12, 31)


def validate_record_date(value: datetime.date | datetime.datetime) -> None:
    # A moment's day is the bureau's (Asia/Shanghai), whatever zone it was given in.
    day = value
    if isinstance(value, datetime.datetime):
        try:
            day = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
        except OverflowError:  # 9999-12-31 20:00 UTC has no day in Beijing
            day = None
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="out_of_range",
            params={"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
        )
