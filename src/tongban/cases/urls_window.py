"""URLs of the window pages of cases (一窗受理)."""

from django.urls import path

from tongban.cases import views_window as views

urlpatterns = [
    path("window/", views.console, name="window"),
    path("window/apply", views.apply_for_person, name="window_apply"),
    path("window/cases/<str:number>/", views.intake, name="window_case"),
    path("window/cases/<str:number>/accept", views.accept, name="window_accept"),
    path("window/cases/<str:number>/reject", views.reject, name="window_reject"),
    path("window/cases/<str:number>/correction", views.correction, name="window_correction"),
    path("window/cases/<str:number>/notice.pdf", views.notice_pdf_view, name="window_notice_pdf"),
    path("window/cases/<str:number>/files/<uuid:attachment_id>", views.case_file, name="case_file"),
]
