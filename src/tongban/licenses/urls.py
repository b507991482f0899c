from django.urls import path

from tongban.licenses import views, wellknown

app_name = "licenses"

urlpatterns = [
    path("account/licences/", views.wallet, name="wallet"),
    path("account/licences/<str:identifier>/", views.licence_detail, name="detail"),
    path("account/licences/<str:identifier>/pdf", views.licence_download, name="pdf"),
    path("v/licence/<str:identifier>", views.licence_check, name="check"),
    path(".well-known/jwt-vc-issuer/issuers/<str:code>", wellknown.issuer_metadata, name="issuer_metadata"),
    path("vct/<str:code>/<int:version>", wellknown.type_metadata, name="type_metadata"),
    path("status/<str:code>/<int:number>", wellknown.status_list, name="status_list"),
]
