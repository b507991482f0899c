from django.urls import path

from tongban.feedback import views

app_name = "feedback"

urlpatterns = [
    path("account/cases/<str:number>/rate", views.rate, name="rate"),
    path("ratings/", views.statistics, name="statistics"),
    path("backoffice/ratings/", views.rectifications, name="rectifications"),
    path("backoffice/ratings/<uuid:rectification_id>/answer", views.rectification_answer, name="answer"),
]
