"""A tiny API used only by the idempotency tests: each POST creates a calendar override row."""

import datetime as dt

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from tongban.core.models import CalendarDay


@csrf_exempt
def create_day(request: HttpRequest) -> JsonResponse:
    count = CalendarDay.objects.count()
    day = CalendarDay.objects.create(date=dt.date(2040, 1, 1) + dt.timedelta(days=count), is_workday=True)
    return JsonResponse({"id": str(day.id)}, status=201)


@csrf_exempt
def explode(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"error": "boom"}, status=503)


urlpatterns = [path("api/v1/days", create_day), path("api/v1/explode", explode)]
