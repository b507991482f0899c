from django.urls import path

from tongban.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("manage/catalog/", views.home, name="manage"),  # replaced by the catalogue management list
]
