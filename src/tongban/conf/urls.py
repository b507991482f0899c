from django.urls import include, path

from tongban.conf.api import api
from tongban.core import health

handler404 = "tongban.ui.errors.page_not_found"
handler500 = "tongban.ui.errors.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("", include("tongban.identity.urls")),
    path("", include("tongban.identity.oidc_urls")),  # OIDC provider: /.well-known/openid-configuration, /o/…
    path("demo/", include("tongban.demo.urls")),
    path("", include("tongban.registry.urls")),
    path("", include("tongban.exchange.urls")),
    path("", include("tongban.forms.urls")),
    path("", include("tongban.forms.backfill_urls")),
    path("", include("tongban.cases.urls")),
    path("", include("tongban.licenses.urls")),
    path("", include("tongban.bundles.urls")),
    path("", include("tongban.feedback.urls")),
    path("", include("tongban.ui.urls")),
    path("", include("tongban.catalog.urls")),
]
