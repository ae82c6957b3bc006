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
