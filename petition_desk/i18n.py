"""The language of what the system stores for others to read."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_noop


def in_bureau_language():
    """What is kept for everyone at the bureau (the timeline's notes, the notifications) is in
    its language, not in the language of the user who happened to write it (a department working
    in English)."""
    return translation.override(settings.LANGUAGE_CODE)


# Django's own Simplified Chinese for these misleads; ours, in locale/, come first. Marked here so
# that makemessages keeps them.
CORRECTED_DJANGO_MESSAGES = (
    # Django's says "empty strings are not allowed", to someone who pasted a NUL character.
    gettext_noop("Null characters are not allowed."),
)
