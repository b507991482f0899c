"""Case pages: the applicant's (我的办件, public progress), the window's (一窗受理) and the back office's."""

from django.urls import include, path

app_name = "cases"

urlpatterns = [
    path("", include("tongban.cases.urls_applicant")),
    path("", include("tongban.cases.urls_window")),
    path("", include("tongban.cases.urls_backoffice")),
]
