from django.urls import path

from tongban.exchange import views

app_name = "exchange"

urlpatterns = [
    path("backoffice/exchange/", views.worklist, name="worklist"),
    path("backoffice/exchange/requests/<uuid:request_id>/", views.decide, name="decide"),
    path("backoffice/exchange/grants/", views.grants, name="grants"),
    path("backoffice/exchange/grants/<uuid:grant_id>/revoke/", views.grant_revoke, name="revoke"),
    path("backoffice/exchange/request/", views.request_new, name="request_new"),
    path("backoffice/exchange/import/", views.import_page, name="import"),
    path("backoffice/exchange/corrections/<uuid:correction_id>/", views.correction_decide, name="correction_decide"),
    path("account/corrections/", views.my_corrections, name="my_corrections"),
    path("account/corrections/<uuid:correction_id>/", views.my_correction, name="my_correction"),
]
