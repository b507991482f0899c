from django.urls import path

from tongban.bundles import views, views_manage

app_name = "bundles"

urlpatterns = [
    path("bundles/", views.bundle_list_view, name="list"),
    path("bundles/<slug:code>/", views.bundle_view, name="detail"),
    path("manage/bundles/", views_manage.manage_list, name="manage"),
    path("manage/bundles/new/", views_manage.manage_edit, name="manage_new"),
    path("manage/bundles/<slug:code>/", views_manage.manage_edit, name="manage_edit"),
]
