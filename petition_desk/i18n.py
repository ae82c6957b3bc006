"""The language of what the system stores for others to read."""

from django.conf import settings
from django.utils import translation


def in_bureau_language():
    """What is kept for everyone at the bureau (the timeline's notes, the notifications) is in
    its language, not in the language of the user who happened to write it (a department working
    in English)."""
    return translation.override(settings.LANGUAGE_CODE)
