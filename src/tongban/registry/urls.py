from django.urls import path

from tongban.registry import views

app_name = "registry"

urlpatterns = [
    path("account/profile/", views.my_profile, name="profile"),
    path("account/enterprises/<uuid:enterprise_id>/profile/", views.enterprise_profile, name="enterprise_profile"),
    path("account/data-uses/", views.data_uses, name="data_uses"),
    path("backoffice/data-elements/", views.element_catalogue, name="elements"),
]
