"""Extension points of identity: SMS sending, registry checks (L2) and face verification (L3)."""

from __future__ import annotations

from tongban.core.plugins import Plugin, Registry


class SmsSender(Plugin):
    def send(self, *, to: str, body: str) -> None:
        raise NotImplementedError


sms_senders: Registry[SmsSender] = Registry("sms_sender")
