from django.conf import settings


def site(request):
    return {"SITE_NAME": "UNCT Training", "DEBUG": settings.DEBUG}
