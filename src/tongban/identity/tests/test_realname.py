"""Real-name levels through the registry_check and face_verifier plugins."""

import pytest

from tongban.core.errors import ConfigError, Conflict
from tongban.identity import services
from tongban.identity.plugins import face_verifiers, registry_checks, sms_senders
from tongban.identity.tests.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db


def test_demo_plugins_are_refused_in_production(settings):
    settings.DEMO_MODE = False
    for registry in (sms_senders, registry_checks, face_verifiers):
        with pytest.raises(ConfigError):
            registry.load()


def test_demo_registry_check_config_needs_a_population():
    with pytest.raises(ConfigError):
        registry_checks.load().check_config()
    PersonFactory()
    registry_checks.load().check_config()
    sms_senders.load().check_config()


def test_demo_registry_matches_only_register_rows_with_the_same_name():
    person = PersonFactory(name="黄河")
    checker = registry_checks.load()
    assert checker.check(id_number=person.id_number, name="黄河").matched
    assert not checker.check(id_number=person.id_number, name="黄海").matched


def test_l2_then_l3():
    person = PersonFactory(name="林海")
    services.person_register(name="林海", id_number=person.id_number, mobile=person.mobile, password=PASSWORD)
    with pytest.raises(Conflict):
        services.realname_verify_face(person=person, capture="demo-consent")
    person = services.realname_verify_registry(person=person, id_number=person.id_number, name="林海")
    assert person.realname_level == 2
    with pytest.raises(Conflict):
        services.realname_verify_registry(person=person, id_number=person.id_number, name="林海")
    person = services.realname_verify_face(person=person, capture="demo-consent")
    assert person.realname_level == 3


def test_a_failing_sms_gateway_is_recorded_not_raised(settings, django_capture_on_commit_callbacks):
    from tongban.identity.models import OutboxMessage
    from tongban.identity.plugins import SmsSender

    @sms_senders.register("test-broken-gateway")
    class Broken(SmsSender):
        def send(self, *, to, body):
            raise ConnectionError("gateway down")

    settings.PLUGINS = {**settings.PLUGINS, "sms_sender": "test-broken-gateway"}
    try:
        with django_capture_on_commit_callbacks(execute=True):
            message = services.message_send(channel="sms", to="13900000000", body="验证码 123456")
        message.refresh_from_db()
        assert message.sent_at is None and "gateway down" in message.error
        with django_capture_on_commit_callbacks(execute=True):
            services.message_send(channel="sms", to="12345", body="x")
        settings.PLUGINS = {**settings.PLUGINS, "sms_sender": "demo-outbox"}
        with django_capture_on_commit_callbacks(execute=True):
            bad = services.message_send(channel="sms", to="12345", body="x")
            good = services.message_send(channel="sms", to="13900000000", body="y")
        bad.refresh_from_db()
        good.refresh_from_db()
        assert "手机号" in bad.error and good.sent_at is not None and good.sender == "demo-outbox"
        assert OutboxMessage.objects.count() == 4
    finally:
        sms_senders._plugins.pop("test-broken-gateway", None)
