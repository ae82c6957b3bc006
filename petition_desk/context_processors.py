from django.conf import settings


def bureau(request):
    """The bureau's name, which every printed page carries."""
    return {"bureau_name": settings.BUREAU_NAME}
