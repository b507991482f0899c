"""The OIDC provider: code + PKCE, pairwise subjects, and the requests it must refuse."""

from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from oauth2_provider.models import AccessToken

from tongban.core.models import AuditEntry
from tongban.identity import services
from tongban.identity.models import LoginEvent, PairwiseSubject
from tongban.identity.tests.factories import PASSWORD, person_with_account
from tongban.identity.tests.helpers import log_in
from tongban.identity.tests.oidc_helpers import authorize_params, exchange, get_code, pkce_pair, verify_id_token

pytestmark = pytest.mark.django_db

GJJ = {"client_id": "demo-gjj", "secret": "demo-gjj-secret", "redirect_uri": "http://gjj.example/demo/rp/callback"}
SB = {"client_id": "demo-sb", "secret": "demo-sb-secret", "redirect_uri": "http://sb.example/callback"}


@pytest.fixture
def clients(db):
    for c, name in ((GJJ, "示范市住房公积金管理中心业务系统"), (SB, "示范市社保业务系统")):
        services.oidc_client_register(
            name=name, client_id=c["client_id"], client_secret=c["secret"], redirect_uris=[c["redirect_uri"]]
        )
    return GJJ, SB


@pytest.fixture
def citizen(client):
    person = person_with_account(mobile="13955550000")
    log_in(client, person.id_number, PASSWORD)
    return person


def _login_to(client, c):
    verifier, challenge = pkce_pair()
    code = get_code(client, c["client_id"], c["redirect_uri"], challenge)
    response = exchange(
        client,
        client_id=c["client_id"],
        secret=c["secret"],
        code=code,
        redirect_uri=c["redirect_uri"],
        verifier=verifier,
    )
    assert response.status_code == 200, response.content
    return code, verifier, response.json()


def test_code_and_pkce_flow_gives_a_signed_id_token_with_a_pairwise_sub(client, clients, citizen):
    _, _, tokens = _login_to(client, GJJ)
    claims = verify_id_token(client, tokens["id_token"], GJJ["client_id"])
    assert claims["sub"] != str(citizen.user.pk)
    assert claims["sub"] == PairwiseSubject.objects.get(user=citizen.user, sector="client:demo-gjj").sub
    assert claims["name"] == citizen.name
    assert claims["realname_level"] == 1
    assert claims["acr"] == "urn:tongban:realname:L1"
    assert claims["phone_number"] == "+8613955550000"
    assert claims["nonce"] == "n-456"
    assert LoginEvent.objects.filter(user=citizen.user, client="示范市住房公积金管理中心业务系统").exists()


def test_two_clients_get_different_subs_and_each_keeps_its_own(client, clients, citizen):
    _, _, first = _login_to(client, GJJ)
    _, _, other = _login_to(client, SB)
    _, _, again = _login_to(client, GJJ)
    sub_gjj = verify_id_token(client, first["id_token"], GJJ["client_id"])["sub"]
    sub_sb = verify_id_token(client, other["id_token"], SB["client_id"])["sub"]
    assert sub_gjj != sub_sb
    assert verify_id_token(client, again["id_token"], GJJ["client_id"])["sub"] == sub_gjj


def test_userinfo_uses_the_same_pairwise_sub(client, clients, citizen):
    _, _, tokens = _login_to(client, GJJ)
    info = client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()
    assert info["sub"] == verify_id_token(client, tokens["id_token"], GJJ["client_id"])["sub"]
    assert info["realname_level"] == 1


def test_phone_number_needs_the_phone_scope(client, clients, citizen):
    verifier, challenge = pkce_pair()
    params = authorize_params(GJJ["client_id"], GJJ["redirect_uri"], challenge, scope="openid profile")
    client.get("/o/authorize/?" + urlencode(params))
    response = client.post("/o/authorize/", {**params, "allow": "Authorize"})
    code = parse_qs(urlparse(response["Location"]).query)["code"][0]
    tokens = exchange(
        client,
        client_id=GJJ["client_id"],
        secret=GJJ["secret"],
        code=code,
        redirect_uri=GJJ["redirect_uri"],
        verifier=verifier,
    ).json()
    claims = verify_id_token(client, tokens["id_token"], GJJ["client_id"])
    assert "phone_number" not in claims and claims["name"] == citizen.name


def test_wrong_redirect_uri_is_shown_on_our_page_not_redirected(client, clients, citizen):
    _, challenge = pkce_pair()
    params = authorize_params(GJJ["client_id"], "http://evil.example/steal", challenge)
    response = client.get("/o/authorize/?" + urlencode(params))
    assert response.status_code == 400
    assert "Location" not in response
    page = response.content.decode()
    assert "无法完成登录授权" in page and "invalid_request" in page
    assert 'href="http://evil.example' not in page


def test_unknown_client_is_shown_on_our_page(client, clients, citizen):
    _, challenge = pkce_pair()
    response = client.get("/o/authorize/?" + urlencode(authorize_params("nobody", GJJ["redirect_uri"], challenge)))
    assert response.status_code in (400, 401)
    assert "Location" not in response and "无法完成登录授权" in response.content.decode()


def test_missing_pkce_is_invalid_request(client, clients, citizen):
    params = authorize_params(GJJ["client_id"], GJJ["redirect_uri"], challenge=None)
    response = client.get("/o/authorize/?" + urlencode(params))
    assert response.status_code == 302
    query = parse_qs(urlparse(response["Location"]).query)
    assert response["Location"].startswith(GJJ["redirect_uri"])
    assert query["error"] == ["invalid_request"]
    assert query["state"] == ["st-123"]


def test_plain_pkce_is_refused(client, clients, citizen):
    params = authorize_params(
        GJJ["client_id"], GJJ["redirect_uri"], code_challenge="a" * 43, code_challenge_method="plain"
    )
    client.get("/o/authorize/?" + urlencode(params))
    response = client.post("/o/authorize/", {**params, "allow": "Authorize"})
    assert parse_qs(urlparse(response["Location"]).query)["error"] == ["invalid_request"]


def test_wrong_code_verifier_is_refused(client, clients, citizen):
    _, challenge = pkce_pair()
    code = get_code(client, GJJ["client_id"], GJJ["redirect_uri"], challenge)
    response = exchange(
        client,
        client_id=GJJ["client_id"],
        secret=GJJ["secret"],
        code=code,
        redirect_uri=GJJ["redirect_uri"],
        verifier="x" * 50,
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_replayed_code_is_invalid_grant_and_revokes_the_tokens_it_gave(client, clients, citizen):
    code, verifier, tokens = _login_to(client, GJJ)
    assert client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").status_code == 200
    replay = exchange(
        client,
        client_id=GJJ["client_id"],
        secret=GJJ["secret"],
        code=code,
        redirect_uri=GJJ["redirect_uri"],
        verifier=verifier,
    )
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.filter(user=citizen.user).exists()
    assert client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").status_code == 401
    assert AuditEntry.objects.filter(action="oidc.code_replayed").exists()


def test_wrong_client_secret_is_refused(client, clients, citizen):
    verifier, challenge = pkce_pair()
    code = get_code(client, GJJ["client_id"], GJJ["redirect_uri"], challenge)
    response = exchange(
        client,
        client_id=GJJ["client_id"],
        secret="guess",
        code=code,
        redirect_uri=GJJ["redirect_uri"],
        verifier=verifier,
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_anonymous_authorize_goes_to_our_login(client, clients):
    _, challenge = pkce_pair()
    response = client.get(
        "/o/authorize/?" + urlencode(authorize_params(GJJ["client_id"], GJJ["redirect_uri"], challenge))
    )
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/o/authorize/")


def test_discovery_at_the_root_says_pairwise_and_s256(client):
    data = client.get("/.well-known/openid-configuration").json()
    assert data["issuer"] == "http://testserver"
    assert data["subject_types_supported"] == ["pairwise"]
    assert data["code_challenge_methods_supported"] == ["S256"]
    assert data["authorization_endpoint"] == "http://testserver/o/authorize/"
    assert data["jwks_uri"] == "http://testserver/o/.well-known/jwks.json"
    assert "realname_level" in data["claims_supported"]
    keys = client.get("/o/.well-known/jwks.json").json()["keys"]
    assert keys and keys[0]["alg"] == "RS256"


def test_application_management_views_are_not_mounted(client, citizen):
    assert client.get("/o/applications/").status_code == 404
    assert client.get("/o/register/").status_code == 404


def test_demo_relying_party_exists_only_in_demo_mode(client, settings):
    assert client.get("/demo/rp/").status_code == 200
    settings.DEMO_MODE = False
    assert client.get("/demo/rp/").status_code == 404
    assert client.get("/demo/rp/login").status_code == 404


def test_demo_relying_party_refuses_a_callback_it_did_not_start(client):
    response = client.get("/demo/rp/callback?code=abc&state=forged")
    assert response.status_code == 400
    assert "登录请求已失效或被篡改" in response.content.decode()
