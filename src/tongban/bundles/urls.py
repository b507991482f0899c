from django.urls import path

from tongban.bundles import views, views_apply, views_manage, views_window

app_name = "bundles"

urlpatterns = [
    path("bundles/", views.bundle_list_view, name="list"),
    path("bundles/applications/", views_apply.application_list, name="applications"),
    path("bundles/applications/<uuid:application_id>/", views_apply.application_page, name="application"),
    path("bundles/<slug:code>/", views.bundle_view, name="detail"),
    path("bundles/<slug:code>/apply/", views_apply.apply_start, name="apply"),
    path("window/bundles/", views_window.window_find, name="window"),
    path("window/bundles/<str:number>/", views_window.window_bundle, name="window_bundle"),
    path("window/bundles/<str:number>/accept", views_window.window_accept, name="window_accept"),
    path("manage/bundles/", views_manage.manage_list, name="manage"),
    path("manage/bundles/new/", views_manage.manage_edit, name="manage_new"),
    path("manage/bundles/<slug:code>/", views_manage.manage_edit, name="manage_edit"),
]
