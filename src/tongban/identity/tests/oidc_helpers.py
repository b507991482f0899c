import base64
import hashlib
import json
import secrets
from urllib.parse import parse_qs, urlencode, urlparse

from jwcrypto import jwk, jwt


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_params(client_id, redirect_uri, challenge=None, scope="openid profile phone", **extra):
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": "st-123",
        "nonce": "n-456",
    }
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    params.update(extra)
    return params


def get_code(client, client_id, redirect_uri, challenge):
    """Open the consent page and approve it, as the person would; return the code."""
    params = authorize_params(client_id, redirect_uri, challenge)
    page = client.get("/o/authorize/?" + urlencode(params))
    assert page.status_code == 200, page.content.decode()[:3000]
    form = {k: v for k, v in params.items()}
    form["allow"] = "Authorize"
    response = client.post("/o/authorize/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    query = parse_qs(urlparse(response["Location"]).query)
    assert query["state"] == ["st-123"]
    return query["code"][0]


def exchange(client, *, client_id, secret, code, redirect_uri, verifier):
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if verifier is not None:
        data["code_verifier"] = verifier
    return client.post("/o/token/", data, HTTP_AUTHORIZATION=f"Basic {basic}")


def verify_id_token(client, id_token, audience):
    keys = jwk.JWKSet.from_json(client.get("/o/.well-known/jwks.json").content)
    token = jwt.JWT(jwt=id_token, key=keys, check_claims={"aud": audience, "iss": "http://testserver"})
    return json.loads(token.claims)
