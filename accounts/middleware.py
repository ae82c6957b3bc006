import time
from urllib.parse import urlsplit

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

# Session key of the time (epoch seconds) the session's expiry was last renewed.
RENEWED_AT = "renewed_at"
# Sent by the requests a page makes on a timer (templates/documents/_case_documents.html).
BACKGROUND_POLL_HEADER = "X-Background-Poll"


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Every page needs login; the API answers 401/403 itself, since its tokens are read by DRF
    after the middleware has run."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request, view_func):
        login_url = resolve_url(self.get_login_url(view_func))
        field = self.get_redirect_field_name(view_func)
        if BACKGROUND_POLL_HEADER in request.headers:
            # A panel refreshing itself (the letters being prepared) after the session ended:
            # htmx's 286 stops the polling. Sent to the login, the whole page went with it,
            # and with it whatever was being typed into the page's forms.
            return HttpResponse(status=286, headers={"HX-Reswap": "none"})
        if request.headers.get("HX-Request") == "true":
            # A look-up after the session ended: followed by htmx, the redirect put the login page
            # into the candidates' panel. The whole page goes to it, and back to that page after.
            page = urlsplit(request.headers.get("HX-Current-URL", "")).path or "/"
            return HttpResponseClientRedirect(redirect_to_login(page, login_url, field)["Location"])
        if request.method != "GET":
            # A form sent after the session ended: its address takes POST only, and after the
            # login a GET of it was a blank 405. Back to the page the form was on instead.
            return redirect_to_login(_page_sent_from(request), login_url, field)
        return super().handle_no_permission(request, view_func)


def _page_sent_from(request) -> str:
    """The page of this site the form was sent from; home if another site's, or the address the
    form was sent to (a refused action's page is drawn at its action's POST-only address)."""
    referer = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure()):
        parts = urlsplit(referer)
        if parts.path != request.path:
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/"


class SessionRenewalMiddleware:
    """An idle session ends after SESSION_COOKIE_AGE (30 minutes); activity renews it. Renewing
    on every request (SESSION_SAVE_EVERY_REQUEST) would write the session row on every keystroke
    look-up, so it is renewed at most once a minute: idle sessions end after 29 to 30 minutes."""

    RENEW_AFTER_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A page asking on its own (the letters panel while a letter is being prepared) is not
        # the user's activity; renewed by it, a session left open would never end.
        if request.user.is_authenticated and BACKGROUND_POLL_HEADER not in request.headers:
            now = int(time.time())
            if now - request.session.get(RENEWED_AT, 0) >= self.RENEW_AFTER_SECONDS:
                request.session[RENEWED_AT] = now
        return self.get_response(request)
