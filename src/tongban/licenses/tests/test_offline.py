"""The offline verifier (issue 6 part 5): `sync-verifier` copies the trust list, issuer metadata and status lists
from the platform into a folder, verifying each first; `verify-offline` verifies from that folder alone and says
how old its revocation data is — revoked before the sync is revoked, revoked after it is still valid as of the old
list's date (with its age) until the next sync; past the list's exp the status is unknown, never valid. A forged
download is refused and the copy held stays; a corrupt cache is a clear error."""

from __future__ import annotations

import json
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from tongban.licenses import services, trust
from tongban.licenses.jose import b64d, b64e, compact_sign, json_bytes
from tongban.licenses.management.commands import licenses as command
from tongban.licenses.offline import (
    MANIFEST,
    TRUST_LIST_FILE,
    TRUST_LIST_TYP,
    CacheUnusable,
    FetchFailed,
    http_fetch,
    jwk_thumbprint,
    offline_verify,
    verifier_sync,
)
from tongban.licenses.sdjwt import Outcome, sd_jwt_present
from tongban.licenses.statuslist import status_list_token_build
from tongban.licenses.tests.neighbour import (
    NEIGHBOUR,
    NEIGHBOUR_URI,
    neighbour_licence,
    neighbour_listed,
    neighbour_status_list,
)
from tongban.licenses.tests.tokens import Issuer

pytestmark = pytest.mark.django_db

BASE = "https://tongban.example"
SHOWN = ["licence_id", "holder_name", "enterprise_name"]


class Platform:
    """The platform as a verifier's downloads see it: this test's Django, through the test client; any other host
    unreachable. `forge` answers chosen addresses with something else."""

    def __init__(self, client) -> None:  # type: ignore[no-untyped-def]
        self.client = client
        self.forge: dict[str, bytes] = {}
        self.asked: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.asked.append(url)
        for prefix, body in self.forge.items():
            if url.startswith(prefix):
                return body
        if not url.startswith(f"{BASE}/"):
            raise FetchFailed(f"{url}: unreachable")
        response = self.client.get(url.removeprefix(BASE))
        if response.status_code != 200:
            raise FetchFailed(f"{url}: HTTP {response.status_code}")
        return bytes(response.content)


@pytest.fixture
def platform(client):  # type: ignore[no-untyped-def]
    cache.clear()  # the status list endpoint keeps its signed token a minute
    return Platform(client)


@pytest.fixture
def folder(tmp_path) -> Path:  # type: ignore[no-untyped-def]
    return tmp_path / "verifier"


@pytest.fixture
def neighbour():  # type: ignore[no-untyped-def]
    """The trusted neighbour region, with one of its licences (idx 3) revoked in the list mirrored here."""
    issuer = Issuer(kid="980101-2026-1")
    neighbour_listed(issuer)
    trust.trusted_status_mirror(iss=NEIGHBOUR, uri=NEIGHBOUR_URI, token=neighbour_status_list(issuer, revoked=[3]))
    return issuer


def _shown(licence) -> str:  # type: ignore[no-untyped-def]
    return sd_jwt_present(licence.token, disclose=SHOWN)


def _sync(platform: Platform, folder: Path, **kw):  # type: ignore[no-untyped-def]
    return verifier_sync(url=BASE, out=folder, fetch=platform, **kw)


def test_a_synced_folder_verifies_a_valid_licence_offline_with_the_age_of_its_revocation_data(
    issue, platform, folder, wallet, django_assert_num_queries
):  # type: ignore[no-untyped-def]
    licence = issue()
    report = _sync(platform, folder)
    assert report.ok and report.pinned and not report.refused, report
    assert (folder / MANIFEST).is_file() and (folder / TRUST_LIST_FILE).is_file()
    manifest = json.loads((folder / MANIFEST).read_text())
    assert set(manifest["status_lists"]) == {f"{BASE}/status/{licence.department.region.code}/1"}
    assert manifest["issuers"] and manifest["trust_list"]["fetched_at"]

    later = time.time() + 3 * 3600
    asked = len(platform.asked)
    with django_assert_num_queries(0):  # files only: no database, no download
        outcome = offline_verify(cache_dir=folder, presentation=_shown(licence), now=later)
    assert len(platform.asked) == asked
    assert outcome.valid, outcome.result
    assert outcome.result.claims["holder_name"] == licence.holder_name
    assert set(outcome.result.disclosed) == set(SHOWN)
    assert outcome.issuer_name and outcome.result.status_source == "cache"
    assert outcome.status_age_s is not None and 3 * 3600 - 60 < outcome.status_age_s < 3 * 3600 + 60
    assert outcome.status_stale and not outcome.status_expired  # past its 15-minute ttl, within its day

    bound = sd_jwt_present(licence.token, disclose=SHOWN, holder_key=wallet.private, audience="checkpoint-7",
                           nonce="n-42")  # fmt: skip
    outcome = offline_verify(cache_dir=folder, presentation=bound, audience="checkpoint-7", nonce="n-42")
    assert outcome.valid and outcome.result.key_bound
    wrong = offline_verify(cache_dir=folder, presentation=bound, audience="checkpoint-7", nonce="other")
    assert wrong.result.outcome == Outcome.INVALID_KEY_BINDING


def test_revoked_before_the_sync_is_revoked_after_it_only_once_synced_again(issue, reviewer, platform, folder):  # type: ignore[no-untyped-def]
    before, after = issue(), issue(number="91990101MA1234568Y")
    services.licence_revoke(licence=before, actor=reviewer, reason="吊销")
    assert _sync(platform, folder).ok
    assert offline_verify(cache_dir=folder, presentation=_shown(before)).result.outcome == Outcome.REVOKED

    services.licence_revoke(licence=after, actor=reviewer, reason="吊销")
    two_hours = time.time() + 2 * 3600
    stale = offline_verify(cache_dir=folder, presentation=_shown(after), now=two_hours)
    assert stale.valid and stale.status_stale  # what the old list says, and how old it is
    assert stale.status_age_s is not None and stale.status_age_s >= 2 * 3600 - 60

    cache.clear()
    assert _sync(platform, folder).ok
    assert offline_verify(cache_dir=folder, presentation=_shown(after)).result.outcome == Outcome.REVOKED


def test_past_the_lists_exp_the_status_is_unknown_never_valid(issue, platform, folder):  # type: ignore[no-untyped-def]
    licence = issue()
    _sync(platform, folder)
    outcome = offline_verify(cache_dir=folder, presentation=_shown(licence), now=time.time() + 2 * 86400)
    assert outcome.result.outcome == Outcome.STATUS_UNKNOWN
    assert outcome.status_expired and outcome.status_as_of is not None and outcome.status_age_s > 86400


def test_a_trusted_regions_licence_verifies_from_the_mirror_and_an_untrusted_ones_does_not(
    issue, neighbour, platform, folder
):  # type: ignore[no-untyped-def]
    issue()
    report = _sync(platform, folder)
    assert report.ok, report
    assert any("platform mirror" in line for line in report.saved)
    assert NEIGHBOUR_URI in platform.asked  # the region itself first, unreachable here: then the mirror
    assert any(NEIGHBOUR_URI in line for line in report.saved)
    assert offline_verify(cache_dir=folder, presentation=neighbour_licence(neighbour, idx=1)).valid
    revoked = offline_verify(cache_dir=folder, presentation=neighbour_licence(neighbour, idx=3))
    assert revoked.result.outcome == Outcome.REVOKED and revoked.issuer_name == "邻省示范市"
    far = Issuer(kid="970101-2026-1")
    untrusted = neighbour_licence(far, idx=1, iss="https://yuanfang.example/issuers/970101")
    assert offline_verify(cache_dir=folder, presentation=untrusted).result.outcome == Outcome.UNTRUSTED_ISSUER
    stranger = Issuer(kid=neighbour.kid)  # the neighbour's kid, another key
    assert offline_verify(cache_dir=folder, presentation=neighbour_licence(stranger, idx=1)).result.outcome == \
        Outcome.INVALID_SIGNATURE  # fmt: skip


def test_a_tampered_presentation_is_refused(issue, platform, folder):  # type: ignore[no-untyped-def]
    licence = issue()
    _sync(platform, folder)
    jwt, *rest = _shown(licence).split("~")
    head, body, signature = jwt.split(".")
    payload = json.loads(b64d(body))
    payload["vct"] = payload["vct"].replace("/1", "/2")
    forged = "~".join([f"{head}.{b64e(json_bytes(payload))}.{signature}", *rest])
    assert offline_verify(cache_dir=folder, presentation=forged).result.outcome == Outcome.INVALID_SIGNATURE
    swapped = "~".join([jwt, b64e(json_bytes(["salt", "holder_name", "李四"])), *rest[1:]])
    assert offline_verify(cache_dir=folder, presentation=swapped).result.outcome == Outcome.TAMPERED_DISCLOSURE
    assert offline_verify(cache_dir=folder, presentation="not a licence").result.outcome == Outcome.MALFORMED


def test_a_corrupt_cache_is_a_clear_error(issue, platform, folder):  # type: ignore[no-untyped-def]
    licence = issue()
    with pytest.raises(CacheUnusable, match="sync-verifier"):
        offline_verify(cache_dir=folder, presentation=_shown(licence))
    _sync(platform, folder)
    manifest = json.loads((folder / MANIFEST).read_text())
    [entry] = manifest["status_lists"].values()
    (folder / entry["file"]).write_text("garbage")
    outcome = offline_verify(cache_dir=folder, presentation=_shown(licence))
    assert outcome.result.outcome == Outcome.STATUS_UNKNOWN and "does not verify" in outcome.result.detail
    token = (folder / TRUST_LIST_FILE).read_text()
    (folder / TRUST_LIST_FILE).write_text(token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
    with pytest.raises(CacheUnusable) as unusable:
        offline_verify(cache_dir=folder, presentation=_shown(licence))
    assert "信任列表" in unusable.value.message_zh and "trust list" in unusable.value.message_en
    (folder / MANIFEST).write_text("{not json")
    with pytest.raises(CacheUnusable, match="corrupt"):
        offline_verify(cache_dir=folder, presentation=_shown(licence))


def test_a_forged_download_is_refused_and_the_copy_held_stays(issue, neighbour, platform, folder):  # type: ignore[no-untyped-def]
    licence = issue()
    first = _sync(platform, folder)
    held_trust = (folder / TRUST_LIST_FILE).read_bytes()
    manifest = json.loads((folder / MANIFEST).read_text())
    own_uri = next(u for u in manifest["status_lists"] if u.startswith(BASE))
    held_list = (folder / manifest["status_lists"][own_uri]["file"]).read_bytes()

    # a trust list signed by another key, listing it as the platform's: not the key pinned on first use
    impostor = Issuer(kid="impostor-1")
    payload = json.loads(b64d(held_trust.decode().split(".")[1]))
    for entry in payload["issuers"]:
        if entry["iss"] == payload["iss"]:
            entry["jwks"] = {"keys": [{k: v for k, v in impostor.jwk.items() if k != "d"}]}
    platform.forge[f"{BASE}/trust/list.jwt"] = compact_sign(
        header={"alg": "Ed25519", "typ": TRUST_LIST_TYP, "kid": "impostor-1"}, payload=payload, sign=impostor.sign
    ).encode()
    # a status list signed by a stranger under the platform's kid, and an older list of the neighbour's
    kid = json.loads(b64d(held_list.decode().split(".")[0]))["kid"]
    stranger = Issuer(kid=kid)
    platform.forge[own_uri] = status_list_token_build(
        iss=payload["iss"], uri=own_uri, kid=kid, bits=2, data=bytes(16), iat=int(time.time()) + 5,
        exp=int(time.time()) + 86400, ttl=900, sign=stranger.sign,
    ).encode()  # fmt: skip
    platform.forge[f"{BASE}/trust/status"] = neighbour_status_list(neighbour, iat=int(time.time()) - 3600).encode()
    report = _sync(platform, folder)
    assert not report.ok
    assert any("trust list" in r and "not the pinned" in r for r in report.refused), report.refused
    assert any(own_uri in r and "signature" in r for r in report.refused), report.refused
    assert any(NEIGHBOUR_URI in r and "older" in r for r in report.refused), report.refused
    assert (folder / TRUST_LIST_FILE).read_bytes() == held_trust
    assert (folder / manifest["status_lists"][own_uri]["file"]).read_bytes() == held_list
    assert first.pinned == jwk_thumbprint(_signer(held_trust))
    assert offline_verify(cache_dir=folder, presentation=_shown(licence)).valid

    # the right anchor given on first use is accepted; a wrong one refuses the first list too
    assert _sync(Platform(platform.client), folder.parent / "anchored", anchor=first.pinned).ok
    wrong = _sync(Platform(platform.client), folder.parent / "wrong", anchor="x" * 43)
    assert not wrong.ok and not (folder.parent / "wrong" / TRUST_LIST_FILE).exists()


def _signer(token: bytes) -> dict:  # type: ignore[type-arg]
    header, payload = (json.loads(b64d(p)) for p in token.decode().split(".")[:2])
    own = next(i for i in payload["issuers"] if i["iss"] == payload["iss"])
    return next(k for k in own["jwks"]["keys"] if k["kid"] == header["kid"])


def test_the_commands_sync_and_verify_and_exit_0_only_for_a_valid_licence(
    issue, reviewer, platform, folder, monkeypatch
):  # type: ignore[no-untyped-def]
    valid, revoked = issue(), issue(number="91990101MA1234568Y")
    services.licence_revoke(licence=revoked, actor=reviewer, reason="注销")
    monkeypatch.setattr(command, "http_fetch", platform)
    out = StringIO()
    call_command("licenses", "sync-verifier", "--url", BASE, "--out", str(folder), stdout=out)
    assert "已保存 saved: trust list" in out.getvalue() and "pinned" in out.getvalue()

    out = StringIO()
    call_command("licenses", "verify-offline", "--cache", str(folder), _shown(valid), stdout=out)
    text = out.getvalue()
    assert "outcome: valid" in text and "证照有效" in text and "holder_name: " in text
    assert "吊销数据更新于" in text and "分钟前" in text and "revocation data as of" in text

    out = StringIO()
    monkeypatch.setattr("sys.stdin", StringIO(_shown(revoked) + "\n"))
    with pytest.raises(SystemExit) as stopped:
        call_command("licenses", "verify-offline", "--cache", str(folder), "-", stdout=out)
    assert stopped.value.code == 1 and "outcome: revoked" in out.getvalue()

    (folder / MANIFEST).write_text("[]")
    with pytest.raises(CommandError, match="sync again"):
        call_command("licenses", "verify-offline", "--cache", str(folder), _shown(valid), stdout=StringIO())

    platform.forge[BASE] = b"down"  # every download answers garbage
    with pytest.raises(SystemExit):
        call_command("licenses", "sync-verifier", "--url", BASE, "--out", str(folder), stdout=StringIO())


def test_the_status_age_says_hours_and_an_expired_list_says_so(issue, platform, folder, monkeypatch):  # type: ignore[no-untyped-def]
    licence = issue()
    _sync(platform, folder)
    outcome = offline_verify(cache_dir=folder, presentation=_shown(licence), now=time.time() + 5 * 3600)
    text = "\n".join(command.offline_report(outcome))
    assert "（5 小时前）" in text and "5 hours old" in text and "sync when online" in text
    expired = offline_verify(cache_dir=folder, presentation=_shown(licence), now=time.time() + 3 * 86400)
    text = "\n".join(command.offline_report(expired))
    assert "outcome: status_unknown" in text and "过期" in text and "expired at" in text


@pytest.mark.django_db(transaction=True)
def test_sync_over_http_from_a_live_server(live_server, settings, issue, tmp_path):  # type: ignore[no-untyped-def]
    settings.LICENCE_BASE_URL = live_server.url
    licence = issue()
    cache.clear()
    report = verifier_sync(url=live_server.url, out=tmp_path / "v", fetch=http_fetch)
    assert report.ok, report
    assert offline_verify(cache_dir=tmp_path / "v", presentation=_shown(licence)).valid
    with pytest.raises(FetchFailed, match="https"):
        http_fetch("http://tongban.example/trust/list.jwt")
