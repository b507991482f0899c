from django.conf import settings
from django.http import HttpRequest


def ui(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    staff = getattr(user, "staff", None) if user is not None and user.is_authenticated else None
    return {
        "elder_mode": getattr(request, "elder_mode", False),
        "demo_mode": settings.DEMO_MODE,
        "current_staff": staff,
        "lang": getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
    }
