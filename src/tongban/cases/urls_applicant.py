"""URLs of the applicant pages of cases: 我的办件, one case (answer the correction notice, withdraw), and
the public progress lookup by case number and lookup code."""

from django.urls import path

from tongban.cases import views_applicant as views

urlpatterns = [
    path("account/cases/", views.case_list, name="applicant_cases"),
    path("account/cases/<str:number>/", views.case_detail, name="applicant_case"),
    path("account/cases/<str:number>/decision.pdf", views.case_decision_pdf, name="applicant_decision_pdf"),
    path("account/cases/<str:number>/materials", views.case_material, name="applicant_case_material"),
    path("progress/", views.progress, name="progress"),
]
