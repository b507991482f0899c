"""A demo relying party: 示范市住房公积金管理中心业务系统（演示）.

It plays a department system that logs citizens in through the platform's OIDC provider exactly
as an outside system would: discovery document, authorization code with PKCE (S256), the code
exchanged at the token endpoint over real HTTP, and the id_token's signature checked against the
published JWKS. It reaches the provider at the request's own host, so it works on any port.
Demo mode only.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from jwcrypto import jwk, jwt
from jwcrypto.common import JWException

CLIENT_ID = "demo-gjj"
CLIENT_SECRET = "demo-gjj-secret"  # the demo client's published secret
CLIENT_NAME = "示范市住房公积金管理中心业务系统（演示）"
SCOPE = "openid profile"
FLOW = "demo_rp_flow"
SIGNED_IN = "demo_rp_user"
TIMEOUT = 10


class RelyingPartyError(Exception):
    """Something the RP could not accept; shown on its page with Chinese and English text."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def _demo_only() -> None:
    if not settings.DEMO_MODE:
        raise Http404


def _base(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _redirect_uri(request: HttpRequest) -> str:
    return _base(request) + reverse("demo:rp_callback")


def _get_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310  (our own http(s) host)
        return dict(json.loads(response.read()))


def _discovery(request: HttpRequest) -> dict[str, Any]:
    return _get_json(_base(request) + "/.well-known/openid-configuration")


def _exchange(token_endpoint: str, *, code: str, verifier: str, redirect_uri: str) -> dict[str, Any]:
    body = urllib.parse.urlencode(
        {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier}
    ).encode()
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    req = urllib.request.Request(  # noqa: S310
        token_endpoint,
        data=body,
        headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as response:  # noqa: S310
            return dict(json.loads(response.read()))
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")[:200]
        raise RelyingPartyError(f"令牌交换失败：{detail}", f"Token exchange failed: {detail}") from exc


def _verify(id_token: str, *, jwks_uri: str, issuer: str, nonce: str) -> dict[str, Any]:
    keys = jwk.JWKSet.from_json(json.dumps(_get_json(jwks_uri)))
    try:
        token = jwt.JWT(jwt=id_token, key=keys, check_claims={"iss": issuer, "aud": CLIENT_ID, "exp": None})
    except (JWException, ValueError) as exc:
        raise RelyingPartyError("身份令牌签名或声明校验失败", f"The id_token did not verify: {exc}") from exc
    claims = dict(json.loads(token.claims))
    if claims.get("nonce") != nonce:
        raise RelyingPartyError("身份令牌的 nonce 不匹配", "The id_token nonce does not match")
    return claims


def home(request: HttpRequest) -> HttpResponse:
    _demo_only()
    context = {"client_name": CLIENT_NAME, "signed_in": request.session.get(SIGNED_IN)}
    return render(request, "demo/rp.html", context)


def login(request: HttpRequest) -> HttpResponse:
    _demo_only()
    try:
        meta = _discovery(request)
    except (urllib.error.URLError, ValueError) as exc:
        return _error(request, RelyingPartyError("无法读取统一身份认证的配置", f"Discovery failed: {exc}"))
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    flow = {"state": secrets.token_urlsafe(16), "nonce": secrets.token_urlsafe(16), "verifier": verifier}
    request.session[FLOW] = flow
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": _redirect_uri(request),
        "scope": SCOPE,
        "state": flow["state"],
        "nonce": flow["nonce"],
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return redirect(f"{meta['authorization_endpoint']}?{urllib.parse.urlencode(params)}")


def callback(request: HttpRequest) -> HttpResponse:
    _demo_only()
    flow = request.session.pop(FLOW, None)
    try:
        if not flow or request.GET.get("state") != flow["state"]:
            raise RelyingPartyError(
                "登录请求已失效或被篡改，请重新登录", "The sign-in state does not match; start again"
            )
        if "error" in request.GET:
            error = request.GET["error"]
            raise RelyingPartyError(f"统一身份认证未完成登录（{error}）", f"The provider did not sign you in ({error})")
        meta = _discovery(request)
        tokens = _exchange(
            meta["token_endpoint"],
            code=request.GET.get("code", ""),
            verifier=flow["verifier"],
            redirect_uri=_redirect_uri(request),
        )
        claims = _verify(tokens["id_token"], jwks_uri=meta["jwks_uri"], issuer=meta["issuer"], nonce=flow["nonce"])
    except RelyingPartyError as exc:
        return _error(request, exc)
    except (urllib.error.URLError, KeyError, ValueError) as exc:
        return _error(request, RelyingPartyError("与统一身份认证通信失败", f"Talking to the provider failed: {exc}"))
    request.session[SIGNED_IN] = {
        "sub": claims["sub"],
        "name": claims.get("name", ""),
        "realname_level": claims.get("realname_level"),
        "acr": claims.get("acr", ""),
        "issuer": claims["iss"],
    }
    return redirect("demo:rp_home")


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    _demo_only()
    request.session.pop(SIGNED_IN, None)
    return redirect("demo:rp_home")


def _error(request: HttpRequest, exc: RelyingPartyError) -> HttpResponse:
    context = {"client_name": CLIENT_NAME, "error_zh": exc.zh, "error_en": exc.en}
    return render(request, "demo/rp.html", context, status=400)
