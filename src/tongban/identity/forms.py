"""Forms of the identity pages. Field checks reuse identity.validators, so the page and the service agree."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core.errors import DomainError, InvalidInput, in_language, in_language_lazy
from tongban.identity import validators


class AccessibleForm(forms.Form):
    """Marks invalid inputs with aria-invalid and ties them to their hint and error text."""

    REQUIRED = in_language_lazy("此项必填", "This field is required")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.error_messages.get("required") == forms.Field.default_error_messages["required"]:
                field.error_messages["required"] = self.REQUIRED

    def full_clean(self) -> None:
        super().full_clean()
        for name, field in self.fields.items():
            bound = self[name]
            described = []
            if field.help_text:
                described.append(f"{bound.id_for_label}-hint")
            if name in self.errors:
                field.widget.attrs["aria-invalid"] = "true"
                described.append(f"{bound.id_for_label}-error")
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def add_domain_error(self, error: DomainError) -> None:
        """Show a service error next to its field (or at the top), in the page's language."""
        message = error.message
        if error.field and error.field in self.fields:
            self.add_error(error.field, message)
        else:
            self.add_error(None, message)


def _check(func: Any, value: Any, **kwargs: Any) -> Any:
    try:
        return func(value, **kwargs)
    except InvalidInput as exc:
        raise forms.ValidationError(exc.message) from None


class LoginForm(AccessibleForm):
    identifier = forms.CharField(
        label=_("身份证号、手机号或用户名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "off", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("密码"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(AccessibleForm):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        min_length=6,
        help_text=_("6位数字，5分钟内有效"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}"}),
    )


class RegisterForm(AccessibleForm):
    name = forms.CharField(label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    id_number = forms.CharField(
        label=_("居民身份证号"),
        max_length=20,
        help_text=_("18位，最后一位可能是X"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    mobile = forms.CharField(
        label=_("手机号"),
        max_length=20,
        help_text=_("用于接收登录验证码"),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    password = forms.CharField(
        label=_("设置密码"),
        strip=False,
        help_text=_("至少8位，不能全是数字，不要使用常见密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("再次输入密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_name(self) -> str:
        return str(_check(validators.person_name, self.cleaned_data.get("name", "")))

    def clean_id_number(self) -> str:
        return str(_check(validators.resident_id, self.cleaned_data.get("id_number", "")).number)

    def clean_mobile(self) -> str:
        return str(_check(validators.mobile, self.cleaned_data.get("mobile", "")))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", in_language("两次输入的密码不一致", "The two passwords differ"))
        return data


class PreferencesForm(AccessibleForm):
    language = forms.ChoiceField(label=_("界面语言"), choices=settings.LANGUAGES)
    elder_mode = forms.BooleanField(label=_("长辈版（大字体、大按钮）"), required=False)


class RegistryCheckForm(AccessibleForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("居民身份证号"), max_length=20)

    def clean_id_number(self) -> str:
        return str(_check(validators.resident_id, self.cleaned_data.get("id_number", "")).number)


class FaceForm(AccessibleForm):
    capture = forms.BooleanField(
        label=_("我本人同意进行人脸核验"),
        help_text=_("演示：未进行真实人脸比对"),
        error_messages={
            "required": in_language_lazy("请确认进行人脸核验", "Confirm that you want to do the face check")
        },
    )


class DelegationForm(AccessibleForm):
    agent_name = forms.CharField(label=_("被授权人姓名"), max_length=50)
    agent_id_number = forms.CharField(
        label=_("被授权人身份证号"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    item_codes = forms.CharField(
        label=_("可代办的事项编码"),
        required=False,
        max_length=500,
        help_text=_("多个编码用逗号或空格分隔；不填表示全部事项"),
    )
    valid_until = forms.DateField(
        label=_("授权截止日期"),
        help_text=_("授权在该日结束时失效，最长3年"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "invalid": in_language_lazy("请填写有效日期，如 2027-01-31", "Enter a valid date such as 2027-01-31")
        },
    )

    def clean_agent_id_number(self) -> str:
        return str(
            _check(validators.resident_id, self.cleaned_data.get("agent_id_number", ""), field="agent_id_number").number
        )

    def clean_item_codes(self) -> list[str]:
        raw = self.cleaned_data.get("item_codes", "").replace("，", ",").replace(",", " ").split()
        return list(_check(validators.item_codes, raw))

    def valid_until_datetime(self) -> datetime:
        day = self.cleaned_data["valid_until"]
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
