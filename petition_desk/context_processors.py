from django.conf import settings


def bureau(request):
    """The bureau's name, which every printed page carries; how often a page that is being
    typed into tells the server so (static/js/forms.js)."""
    return {"bureau_name": settings.BUREAU_NAME, "still_here_every": settings.STILL_HERE_EVERY_SECONDS}
