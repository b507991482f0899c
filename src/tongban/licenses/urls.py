from django.urls import path

from tongban.licenses import views, views_grants, views_verify, wellknown

app_name = "licenses"

urlpatterns = [
    path("account/licences/", views.wallet, name="wallet"),
    path("account/licences/received/", views_grants.grants_received, name="grants_received"),
    path("account/licences/received/<str:grant_id>/fetch", views_grants.grant_fetch, name="grant_fetch"),
    path("account/licences/<str:identifier>/", views.licence_detail, name="detail"),
    path("account/licences/<str:identifier>/pdf", views.licence_download, name="pdf"),
    path("account/licences/<str:identifier>/show", views_verify.licence_show, name="show"),
    path("account/licences/<str:identifier>/grants", views_grants.grant_create, name="grant_create"),
    path(
        "account/licences/<str:identifier>/grants/<str:grant_id>/revoke", views_grants.grant_revoke, name="grant_revoke"
    ),
    path("v/licence/<str:identifier>", views.licence_check, name="check"),
    path("v/<str:ref>", views_verify.scan, name="scan"),
    path("verify/", views_verify.verify, name="verify"),
    path(".well-known/jwt-vc-issuer/issuers/<str:code>", wellknown.issuer_metadata, name="issuer_metadata"),
    path("vct/<str:code>/<int:version>", wellknown.type_metadata, name="type_metadata"),
    path("status/<str:code>/<int:number>", wellknown.status_list, name="status_list"),
    path("trust/list.jwt", wellknown.trust_list, name="trust_list"),
    path("trust/status", wellknown.trusted_status, name="trusted_status"),
]
