"""Extension points of identity: SMS sending, registry checks (L2) and face verification (L3).

Each registry has one demo implementation (`demo = True`), refused by Registry.load() outside demo
mode. A real deployment registers its own (an SMS gateway, the public-security ID check service,
a face comparison service) under a new id and names it in settings.PLUGINS.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import DatabaseError

from tongban.core.errors import ConfigError, InvalidInput
from tongban.core.plugins import Plugin, Registry
from tongban.identity import validators


class SmsSender(Plugin):
    def send(self, *, to: str, body: str) -> str:
        """Deliver one SMS; return the provider's message reference. Raise on failure."""
        raise NotImplementedError


sms_senders: Registry[SmsSender] = Registry("sms_sender")


@sms_senders.register("demo-outbox")
class DemoOutboxSender(SmsSender):
    """Sends nothing: the stored OutboxMessage row is the delivery, readable at /demo/outbox/."""

    label = "演示发件箱（不发送真实短信）"
    demo = True

    def send(self, *, to: str, body: str) -> str:
        if to:
            validators.mobile(to, field="to")  # a real gateway would refuse a malformed number too
        return "demo-outbox"

    def check_config(self) -> None:
        from tongban.identity.models import OutboxMessage

        try:
            OutboxMessage.objects.exists()
        except DatabaseError as exc:
            raise ConfigError("演示发件箱无法写入数据库", f"The demo outbox cannot reach the database: {exc}") from exc


@dataclass(frozen=True)
class RegistryResult:
    matched: bool
    reference: str = ""  # the registry's reference for this check, kept for the audit trail


class RegistryCheck(Plugin):
    def check(self, *, id_number: str, name: str) -> RegistryResult:
        """Does the population register hold this (ID number, name) pair?"""
        raise NotImplementedError


registry_checks: Registry[RegistryCheck] = Registry("registry_check")


@registry_checks.register("demo-registry")
class DemoRegistryCheck(RegistryCheck):
    """Checks against the demo city's population register: Person rows that came from the register."""

    label = "演示人口库核验"
    demo = True

    def check(self, *, id_number: str, name: str) -> RegistryResult:
        from tongban.identity.models import Person

        match = Person.objects.filter(id_number=id_number, name=name, source=Person.Source.REGISTER).first()
        return RegistryResult(matched=match is not None, reference=f"demo-register:{match.pk}" if match else "")

    def check_config(self) -> None:
        from tongban.identity.models import Person

        if not Person.objects.filter(source=Person.Source.REGISTER).exists():
            raise ConfigError(
                "演示人口库为空：请先运行 tongban demo 生成示范市人口",
                "The demo population register is empty: run `tongban demo` first",
            )


@dataclass(frozen=True)
class FaceResult:
    passed: bool
    score: float
    note: str = ""


class FaceVerifier(Plugin):
    def verify(self, *, id_number: str, name: str, capture: str) -> FaceResult:
        """Compare a live capture with the registered photo of this person."""
        raise NotImplementedError


face_verifiers: Registry[FaceVerifier] = Registry("face_verifier")


@face_verifiers.register("demo-face")
class DemoFaceVerifier(FaceVerifier):
    """No camera and no comparison: passes people in the demo register who confirm the capture step.

    Pages using it say so plainly: 演示：未进行真实人脸比对.
    """

    label = "演示：未进行真实人脸比对"
    demo = True

    def verify(self, *, id_number: str, name: str, capture: str) -> FaceResult:
        from tongban.identity.models import Person

        if capture != "demo-consent":
            raise InvalidInput("请确认进行人脸核验", "Confirm that you want to do the face check", field="capture")
        in_register = Person.objects.filter(id_number=id_number, name=name, source=Person.Source.REGISTER).exists()
        return FaceResult(passed=in_register, score=1.0 if in_register else 0.0, note=self.label)

    def check_config(self) -> None:
        DemoRegistryCheck().check_config()  # it compares against the same demo register
