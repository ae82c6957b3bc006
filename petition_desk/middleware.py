from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class BureauLocaleMiddleware(LocaleMiddleware):
    """Pages are in Simplified Chinese unless the user chose another language: the browser's own
    preference is ignored, since a bureau's shared machines often come set up in English. API
    clients choose with Accept-Language as usual."""

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def nul_free_headers(get_response):
    """A header's NUL character read as a space, which RFC 9110 (§5.5) allows a recipient: gunicorn
    passes it on, and PostgreSQL, which cannot hold it in text, refused it with a server error
    wherever a header is looked up or stored (the API token, the session key, the user agent of a
    failed login). A space makes no valid token or session key either."""

    def middleware(request):
        for key, value in request.META.items():
            if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
                request.META[key] = value.replace("\x00", " ")
        return get_response(request)

    return middleware
