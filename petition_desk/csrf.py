"""The page shown when a form comes back without a valid CSRF token."""

from django.shortcuts import render


def csrf_failure(request, reason=""):
    """Mostly a page left open while its user logged out and in again (in another tab, or after
    the session ended): the token in the form is the old one. Django's own page speaks of
    "CSRF" and DEBUG and offers no way on; this one says what happened and what to do, in the
    site's layout and language."""
    return render(request, "403_csrf.html", status=403)
