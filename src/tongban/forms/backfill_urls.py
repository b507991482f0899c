from django.urls import path

from tongban.forms import views_backfill

app_name = "backfill"

urlpatterns = [
    path("backoffice/backfill/", views_backfill.backfill_page, name="page"),
]
