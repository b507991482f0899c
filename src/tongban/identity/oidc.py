"""The platform as an OpenID Connect provider for department systems (一次登录，全网通办).

django-oauth-toolkit does the protocol; this module decides what a client learns about a user:
a pairwise `sub` per client (ADR 0002), the name, the real-name level (also as `acr`) and, with
the `phone` scope, the mobile number. It also refuses PKCE "plain" and, when an authorization code
comes back a second time, revokes the tokens first issued for it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from oauth2_provider.models import get_access_token_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import AuthorizationView, ConnectDiscoveryInfoView
from oauthlib.oauth2.rfc6749 import errors

from tongban.identity import selectors, services

ACR_PREFIX = "urn:tongban:realname:"


def client_sector(client: Any) -> str:
    """The pairwise sector of a client: its client_id (ADR 0002), not its redirect host."""
    return f"client:{client.client_id}"


class TongbanOIDCValidator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "realname_level": "profile",
        "acr": "openid",
    }

    def get_claim_dict(self, request: Any) -> dict[str, Any]:
        user = request.user
        claims: dict[str, Any] = {
            "sub": services.pairwise_subject_get_or_create(user=user, sector=client_sector(request.client))
        }
        person = selectors.person_for_user(user=user)
        if person is not None:
            claims["name"] = person.name
            claims["realname_level"] = person.realname_level
            claims["acr"] = f"{ACR_PREFIX}L{person.realname_level}"
            if person.mobile:
                claims["phone_number"] = f"+86{person.mobile}"
                claims["phone_number_verified"] = True
        else:
            staff = selectors.staff_for_user(user=user)
            claims["name"] = staff.name if staff else user.get_full_name() or user.get_username()
        return claims

    def get_discovery_claims(self, request: Any) -> list[str]:
        return ["sub", "name", "realname_level", "acr", "phone_number", "phone_number_verified"]

    def _create_authorization_code(self, request: Any, code: Any, expires: Any = None) -> Any:
        if request.code_challenge_method != "S256":
            raise errors.InvalidRequestError(
                description='PKCE with code_challenge_method "S256" is required.', request=request
            )
        return super()._create_authorization_code(request, code, expires)

    def validate_code(self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        valid = super().validate_code(client_id, code, client, request, *args, **kwargs)
        if not valid:
            services.authorization_code_replay(code=code, client_id=client.client_id)
        return bool(valid)

    def save_bearer_token(self, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any) -> Any:
        result = super().save_bearer_token(token, request, *args, **kwargs)
        if request.grant_type == "authorization_code" and getattr(request, "code", None) and "access_token" in token:
            checksum = hashlib.sha256(token["access_token"].encode()).hexdigest()
            ids = list(get_access_token_model().objects.filter(token_checksum=checksum).values_list("pk", flat=True))
            services.authorization_code_record_use(
                code=request.code, client_id=request.client.client_id, access_token_ids=ids
            )
        return result


class TongbanDiscoveryView(ConnectDiscoveryInfoView):
    """DOT's discovery document, stating what we actually enforce: pairwise subjects, S256 only."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        data = json.loads(response.content)
        data["subject_types_supported"] = ["pairwise"]
        data["code_challenge_methods_supported"] = ["S256"]
        data["acr_values_supported"] = [f"{ACR_PREFIX}L{level}" for level in (1, 2, 3)]
        data["response_types_supported"] = ["code"]
        data["ui_locales_supported"] = ["zh-CN", "en"]
        out = JsonResponse(data)
        out["Access-Control-Allow-Origin"] = "*"
        return out


class TongbanAuthorizationView(AuthorizationView):
    """The consent screen, in the platform's own layout; errors shown here, never redirected to a bad URI."""

    template_name = "identity/oidc_authorize.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        application = kwargs.get("application") or context.get("application")
        if application is not None:
            context["department_name"] = selectors.oidc_client_department_name(client_id=application.client_id)
        context["breadcrumbs"] = [{"label": _("统一身份认证授权"), "url": ""}]
        person = selectors.person_for_user(user=self.request.user)
        context["person"] = person
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        if form.cleaned_data.get("allow") and response.status_code in (301, 302):
            from oauth2_provider.models import get_application_model

            app = get_application_model().objects.filter(client_id=form.cleaned_data.get("client_id")).first()
            services.sso_login_record(
                user=self.request.user,
                client_name=app.name if app else "",
                ip=str(self.request.META.get("REMOTE_ADDR", "")),
                user_agent=self.request.META.get("HTTP_USER_AGENT", ""),
            )
        return response
