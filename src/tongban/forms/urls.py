from django.urls import path

from tongban.forms import views, views_materials

app_name = "forms"

urlpatterns = [
    path("apply/<str:code>/", views.apply_start, name="start"),
    path("account/applications/", views.applications, name="applications"),
    path("account/applications/<str:number>/", views.submission_detail, name="submission"),
    path("account/drafts/<uuid:draft_id>/", views.draft_overview, name="overview"),
    path("account/drafts/<uuid:draft_id>/refresh", views.draft_refresh, name="refresh"),
    path("account/drafts/<uuid:draft_id>/pages/<slug:page>/", views.draft_page, name="page"),
    path("account/drafts/<uuid:draft_id>/materials/", views_materials.draft_materials, name="materials"),
    path(
        "account/drafts/<uuid:draft_id>/materials/<uuid:attachment_id>/remove",
        views_materials.draft_material_remove,
        name="material_remove",
    ),
    path("account/files/<uuid:attachment_id>", views_materials.own_file, name="file"),
    path("account/drafts/<uuid:draft_id>/check/", views.draft_check, name="check"),
    path("account/drafts/<uuid:draft_id>/wrong/<slug:key>/", views.draft_dispute, name="dispute"),
]
