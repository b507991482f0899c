from django.urls import path

from tongban.bundles import views

app_name = "bundles"

urlpatterns = [
    path("bundles/", views.bundle_list_view, name="list"),
    path("bundles/<slug:code>/", views.bundle_view, name="detail"),
]
