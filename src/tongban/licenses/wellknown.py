"""What a verifier that knows only the standards reads (issue 6 part 8), at the addresses our tokens name:

- `/.well-known/jwt-vc-issuer/issuers/<region>` — SD-JWT VC issuer metadata: `issuer` (exactly the tokens'
  `iss`) and the `jwks` of every key of the region's issuers, retired ones too, so old licences verify;
- `/vct/<type>/<version>` — SD-JWT VC type metadata: the licence's name and each claim's labels (zh, en)
  and whether a holder may withhold it;
- `/status/<region>/<n>` — the Token Status List as a signed `statuslist+jwt`, cached for its `ttl`;
- `/trust/list.jwt` — the trust list: every issuer this platform trusts, with its keys and the uris of its status
  lists (licenses.trust);
- `/trust/status?uri=<uri>` — this platform's mirror of another region's list at `uri`, as that region signed it,
  for a verifier that cannot reach the region (licenses.offline falls back to it).

All public: they hold public keys, names and status bits, nothing about a holder.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from tongban.licenses import selectors, services, trust

STATUS_CACHE_PREFIX = "licences:status-list:"


def _public(response: HttpResponse, *, seconds: int) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={seconds}"
    response["Access-Control-Allow-Origin"] = "*"  # a verifier in a browser on another origin reads these too
    return response


@require_GET
def issuer_metadata(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.issuer_region(code=code)
    if region is None:
        raise Http404
    body = {"issuer": selectors.issuer_url(region), "jwks": selectors.issuer_jwks(region=region)}
    return _public(JsonResponse(body, json_dumps_params={"ensure_ascii": False}), seconds=300)


@require_GET
def type_metadata(request: HttpRequest, code: str, version: int) -> HttpResponse:
    licence_type = selectors.licence_type_version(code=code, version=version)
    if licence_type is None:
        raise Http404
    claims = [
        {"path": [spec["name"]], "sd": "allowed" if spec.get("disclosable", True) else "always",
         "display": [{"locale": "zh-CN", "label": spec["label"]},
                     {"locale": "en", "label": spec.get("label_en") or spec["label"]}]}
        for spec in licence_type.fields
    ]  # fmt: skip
    body = {
        "vct": selectors.vct_url(licence_type),
        "name": licence_type.name,
        "display": [{"locale": "zh-CN", "name": licence_type.name},
                    {"locale": "en", "name": licence_type.name_en or licence_type.name}],
        "claims": claims,
    }  # fmt: skip
    return _public(JsonResponse(body, json_dumps_params={"ensure_ascii": False}), seconds=3600)


@require_GET
def status_list(request: HttpRequest, code: str, number: int) -> HttpResponse:
    found = selectors.status_list_find(region_code=code, number=number)
    if found is None:
        raise Http404
    ttl = int(settings.LICENCE_STATUS_LIST_TTL)
    key = f"{STATUS_CACHE_PREFIX}{code}:{number}"
    token = cache.get(key)
    if token is None:
        # Signed afresh at most once a ttl: a revocation shows within the ttl, as the token itself says.
        token = services.status_list_sign(status_list=found)
        cache.set(key, token, timeout=min(ttl, 60))
    response = HttpResponse(token, content_type="application/statuslist+jwt")
    return _public(response, seconds=min(ttl, 60))


@require_GET
def trust_list(request: HttpRequest) -> HttpResponse:
    """The issuers this platform trusts, its own and other regions', as a signed JWS."""
    token = trust.trust_list_token()
    if token is None:
        raise Http404
    return _public(HttpResponse(token, content_type="application/jwt"), seconds=300)


@require_GET
def trusted_status(request: HttpRequest) -> HttpResponse:
    """Another region's status list as mirrored here (its own signature: a verifier checks it with that region's
    keys from the trust list, so this address needs no trust of its own)."""
    uri = request.GET.get("uri", "")
    token = trust.trusted_status_token(uri=uri) if uri else None
    if token is None:
        raise Http404
    return _public(HttpResponse(token, content_type="application/statuslist+jwt"), seconds=60)
