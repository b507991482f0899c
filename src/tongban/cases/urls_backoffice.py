"""URLs of the back-office pages of cases: worklist, review and decision, supervision (督办), and the operator's
秒批 and 告知承诺 rules of an item."""

from django.urls import path

from tongban.cases import views_backoffice as views
from tongban.cases import views_rules

urlpatterns = [
    path("backoffice/cases/", views.worklist, name="worklist"),
    path("backoffice/cases/<str:number>/", views.review, name="review"),
    path("backoffice/cases/<str:number>/act/<slug:action>", views.act, name="act"),
    path("backoffice/cases/<str:number>/decision.pdf", views.decision_pdf, name="decision_pdf"),
    path("backoffice/cases/<str:number>/supervise", views.supervise, name="supervise"),
    path("backoffice/cases/<str:number>/pledge-check", views.pledge_check, name="pledge_check"),
    path(
        "backoffice/cases/<str:number>/supervision/<uuid:note_id>/answer",
        views.supervision_reply,
        name="supervision_answer",
    ),
    path("backoffice/supervision/", views.supervision, name="supervision"),
    path("backoffice/items/<str:code>/rules/", views_rules.rules_page, name="rules"),
]
