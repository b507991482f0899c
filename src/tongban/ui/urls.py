from django.urls import path

from tongban.ui import views

app_name = "ui"

urlpatterns = [
    path("prefs/language", views.set_language, name="set_language"),
    path("prefs/elder", views.set_elder_mode, name="set_elder_mode"),
]
