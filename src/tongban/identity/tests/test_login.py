"""Login: password, then a one-time code; lockout that never tells whether an account exists."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.core.errors import InvalidInput
from tongban.core.models import AuditEntry
from tongban.identity import services
from tongban.identity.models import LoginEvent, OneTimeCode
from tongban.identity.tests.factories import PASSWORD, person_with_account, staff_with_roles
from tongban.identity.tests.helpers import last_code, log_in

pytestmark = pytest.mark.django_db

GENERIC = "账号或密码错误，或账号已暂时锁定"


def test_login_with_id_number_then_code_from_the_outbox(client):
    person = person_with_account()
    response = client.post("/login/", {"identifier": person.id_number, "password": PASSWORD, "next": "/account/"})
    assert response["Location"] == "/login/code/"
    page = client.get("/login/code/").content.decode()
    assert person.masked_mobile in page
    assert "/demo/outbox/" in page  # demo mode points to where the code is
    response = client.post("/login/code/", {"code": last_code()})
    assert response["Location"] == "/account/"
    assert client.get("/account/").status_code == 200
    assert LoginEvent.objects.filter(user=person.user, outcome="success").count() == 1
    assert AuditEntry.objects.filter(action="login.success").exists()


def test_login_with_mobile_and_with_username(client):
    person = person_with_account()
    log_in(client, person.mobile, PASSWORD)
    client.post("/logout/")
    staff = staff_with_roles(["clerk"], username="window1")
    log_in(client, "window1", PASSWORD)
    assert client.get("/backoffice/").status_code == 200
    assert staff.user.login_events.filter(outcome="success").exists()


def test_codes_are_stored_hashed():
    person = person_with_account()
    services.login_start(identifier=person.id_number, password=PASSWORD, ip="10.0.0.1")
    code = last_code()
    otp = OneTimeCode.objects.get(user=person.user)
    assert code not in otp.code_hash and len(otp.code_hash) == 64


def test_unknown_and_known_users_get_the_same_answer_and_both_lock_out(client, settings):
    settings.LOGIN_LOCKOUT_THRESHOLD = 3
    person = person_with_account()
    answers = []
    for identifier in (person.id_number, "nobody-here"):
        for _ in range(3):
            response = client.post("/login/", {"identifier": identifier, "password": "wrong-password"})
            answers.append(response.status_code)
            assert GENERIC in response.content.decode()
    assert set(answers) == {200}
    # Locked now: the right password gets exactly the same answer as a wrong one and sends no code.
    locked = client.post("/login/", {"identifier": person.id_number, "password": PASSWORD})
    assert GENERIC in locked.content.decode()
    assert not OneTimeCode.objects.filter(user=person.user).exists()
    assert LoginEvent.objects.filter(user=person.user, outcome="locked").exists()
    assert LoginEvent.objects.filter(user=None, outcome="bad_credentials").count() == 3


def test_lockout_holds_across_identifiers_of_the_same_account(settings):
    settings.LOGIN_LOCKOUT_THRESHOLD = 3
    person = person_with_account()
    for identifier in (person.id_number, person.mobile, person.id_number):
        with pytest.raises(services.LoginFailed):
            services.login_start(identifier=identifier, password="nope-nope-nope", ip="10.0.0.2")
    with pytest.raises(services.LoginFailed):
        services.login_start(identifier=person.user.username, password=PASSWORD, ip="10.0.0.2")
    person.user.refresh_from_db()
    assert person.user.locked_until > timezone.now()


def test_lockout_ends_after_the_configured_minutes(settings):
    settings.LOGIN_LOCKOUT_THRESHOLD = 2
    person = person_with_account()
    for _ in range(2):
        with pytest.raises(services.LoginFailed):
            services.login_start(identifier=person.user.username, password="nope-nope-nope", ip="10.0.0.3")
    from django.core.cache import cache

    cache.clear()  # the identifier counter has expired
    user = person.user
    user.refresh_from_db()
    user.locked_until = timezone.now() - timedelta(seconds=1)
    user.save()
    assert services.login_start(identifier=user.username, password=PASSWORD, ip="10.0.0.3").code_id


def test_ip_rate_limit_answers_too_many_requests(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": (2, 60)}
    for _ in range(2):
        client.post("/login/", {"identifier": "x", "password": "y"})
    response = client.post("/login/", {"identifier": "x", "password": "y"})
    assert "请求过于频繁" in response.content.decode()
    assert LoginEvent.objects.filter(outcome="rate_limited").count() == 1


def test_expired_code_is_refused(client, settings):
    person = person_with_account()
    client.post("/login/", {"identifier": person.id_number, "password": PASSWORD})
    code = last_code()
    OneTimeCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post("/login/code/", {"code": code}, follow=True)
    assert "验证码已过期" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_five_wrong_codes_kill_the_code(client):
    person = person_with_account()
    client.post("/login/", {"identifier": person.id_number, "password": PASSWORD})
    code = last_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for left in (4, 3, 2, 1):
        response = client.post("/login/code/", {"code": wrong})
        assert f"还可尝试 {left} 次" in response.content.decode()
    response = client.post("/login/code/", {"code": wrong}, follow=True)
    assert "错误次数过多" in response.content.decode()
    with pytest.raises(services.CodeInvalid):
        services.login_verify_code(code_id=OneTimeCode.objects.get().pk, code=code, ip="1.1.1.1")


def test_a_code_works_once():
    person = person_with_account()
    challenge = services.login_start(identifier=person.id_number, password=PASSWORD, ip="10.0.0.4")
    code = last_code()
    assert services.login_verify_code(code_id=challenge.code_id, code=code, ip="10.0.0.4") == person.user
    with pytest.raises(services.CodeInvalid) as exc:
        services.login_verify_code(code_id=challenge.code_id, code=code, ip="10.0.0.4")
    assert "已使用" in exc.value.message_zh


def test_a_new_code_replaces_the_old_one():
    person = person_with_account()
    first = services.login_start(identifier=person.id_number, password=PASSWORD, ip="10.0.0.5")
    old = last_code()
    services.login_start(identifier=person.id_number, password=PASSWORD, ip="10.0.0.5")
    with pytest.raises(services.CodeInvalid):
        services.login_verify_code(code_id=first.code_id, code=old, ip="10.0.0.5")


def test_code_must_be_six_digits():
    with pytest.raises(InvalidInput) as exc:
        services.login_verify_code(code_id=OneTimeCode().pk, code="12ab", ip="1.1.1.1")
    assert exc.value.field == "code"


def test_code_page_without_password_step_goes_back_to_login(client):
    assert client.get("/login/code/")["Location"] == "/login/"


def test_next_must_stay_on_this_site(client):
    person = person_with_account()
    client.post("/login/", {"identifier": person.id_number, "password": PASSWORD, "next": "https://evil.example/"})
    response = client.post("/login/code/", {"code": last_code()})
    assert response["Location"] == "/"


def test_logout_is_a_post_and_recorded(client):
    person = person_with_account()
    log_in(client, person.id_number, PASSWORD)
    assert client.get("/logout/").status_code == 405
    client.post("/logout/")
    assert LoginEvent.objects.filter(user=person.user, outcome="logout").exists()
    assert client.get("/account/")["Location"].startswith("/login/")
