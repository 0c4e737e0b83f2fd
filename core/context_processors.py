from django.conf import settings


def site_context(request):
    """Values every public template may use."""
    return {"SITE_URL": settings.SITE_URL, "SITE_NAME": settings.WAGTAIL_SITE_NAME}
