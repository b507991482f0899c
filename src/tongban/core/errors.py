"""Domain errors: a stable code plus a Chinese and an English message.

The API renders them as RFC 9457 problem+json (core.problems); pages render them as form errors.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils import translation
from django.utils.functional import lazy


def in_language(zh: str, en: str) -> str:
    """The one of a Chinese and an English text that the active language reads. Pages speak one language:
    a Chinese page gives the Chinese, an English page the English (error pages alone also give the English
    beneath the Chinese, ui/problem.html); logs and the command line keep both (`DomainError.bilingual`)."""
    lang = translation.get_language() or "zh-hans"
    return en if lang.startswith("en") else zh


in_language_lazy = lazy(in_language, str)  # for texts fixed at import time, chosen when shown


class DomainError(Exception):
    code: ClassVar[str] = "domain_error"
    status: ClassVar[int] = 400
    default_zh: ClassVar[str] = "请求无法处理"
    default_en: ClassVar[str] = "The request could not be processed"

    def __init__(
        self,
        message_zh: str | None = None,
        message_en: str | None = None,
        *,
        field: str | None = None,
        **extra: Any,
    ) -> None:
        self.message_zh = message_zh or self.default_zh
        self.message_en = message_en or self.default_en
        self.field = field
        self.extra = extra
        super().__init__(f"[{self.code}] {self.message_zh} / {self.message_en}")

    @property
    def message(self) -> str:
        """The message in the active language (what pages show)."""
        return in_language(self.message_zh, self.message_en)

    @property
    def bilingual(self) -> str:
        return f"{self.message_zh}（{self.message_en}）"


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_zh = "未找到"
    default_en = "Not found"


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_zh = "无权执行此操作"
    default_en = "You are not allowed to do this"


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 422
    default_zh = "输入有误"
    default_en = "The input is not valid"


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_zh = "与当前状态冲突"
    default_en = "This conflicts with the current state"


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
    default_zh = "请求过于频繁，请稍后再试"
    default_en = "Too many requests; please try again later"


class ServiceUnavailable(DomainError):
    """A backing service (the database) did not answer; nothing was changed, so the same request may be sent
    again. Carries `retry_after` (seconds) for the Retry-After header."""

    code = "service_unavailable"
    status = 503
    default_zh = "系统暂时无法处理请求，请稍后重试。已保存的内容不会丢失。"
    default_en = "The service is briefly unavailable; please try again in a moment. Nothing you have saved is lost."


class ConfigError(DomainError):
    code = "config_error"
    status = 503
    default_zh = "系统配置错误"
    default_en = "The system is misconfigured"


class CalendarUnknown(DomainError):
    code = "calendar_unknown"
    status = 503
    default_zh = "该日期不在工作日历范围内，请运营人员导入当年节假日安排"
    default_en = "This date is outside the working-day calendar; an operator must import that year's holidays"
