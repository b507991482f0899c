"""The OIDC provider's endpoints, in DOT's namespace so its views can reverse each other.

Only the protocol endpoints are mounted: DOT's application-management and dynamic-registration
views would let any logged-in user register clients, so clients are registered through
services.oidc_client_register instead. Discovery sits at the root, which makes the issuer the site.
"""

from django.urls import path
from oauth2_provider import views as dot

from tongban.identity.oidc import TongbanAuthorizationView, TongbanDiscoveryView

app_name = "oauth2_provider"

urlpatterns = [
    path(".well-known/openid-configuration", TongbanDiscoveryView.as_view(), name="oidc-connect-discovery-info"),
    path("o/authorize/", TongbanAuthorizationView.as_view(), name="authorize"),
    path("o/token/", dot.TokenView.as_view(), name="token"),
    path("o/revoke_token/", dot.RevokeTokenView.as_view(), name="revoke-token"),
    path("o/introspect/", dot.IntrospectTokenView.as_view(), name="introspect"),
    path("o/userinfo/", dot.UserInfoView.as_view(), name="user-info"),
    path("o/.well-known/jwks.json", dot.JwksInfoView.as_view(), name="jwks-info"),
]
