from django.urls import path

from tongban.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("search", views.search_view, name="search"),
    path("items/<str:code>/", views.guide_view, name="guide"),
    path("life-events/<str:name>/", views.life_event_view, name="life_event"),
    path("departments/<str:credit_code>/", views.department_view, name="department"),
    path("manage/catalog/", views.manage_list, name="manage"),
    path("manage/catalog/synonyms/", views.manage_synonyms, name="manage_synonyms"),
    path("manage/catalog/synonyms/<uuid:synonym_id>/delete", views.manage_synonym_delete, name="manage_synonym_delete"),
    path("manage/catalog/<str:code>/", views.manage_history, name="manage_history"),
    path("manage/catalog/<str:code>/edit", views.manage_edit, name="manage_edit"),
    path("manage/catalog/<str:code>/v/<int:number>/", views.manage_preview, name="manage_preview"),
    path("manage/catalog/<str:code>/v/<int:number>/publish", views.manage_publish, name="manage_publish"),
]
