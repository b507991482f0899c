"""Forms of the exchange pages (labels in Chinese msgids; errors in Chinese and English, shown in the page's
language)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.core.errors import in_language_lazy
from tongban.identity.forms import AccessibleForm

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class _GroupId:
    """A choice group's own id (its fieldset's), so the error summary links to the group, not to "#"."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return id_ if index is None else f"{id_}_{index}"


class RadioGroup(_GroupId, forms.RadioSelect):
    pass


class CheckboxGroup(_GroupId, forms.CheckboxSelectMultiple):
    pass


class DecisionForm(AccessibleForm):
    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=[("approve", _("同意共享")), ("deny", _("不同意"))],
        widget=RadioGroup,
        error_messages={"required": in_language_lazy("请选择审核结果", "Choose a decision")},
    )
    reason = forms.CharField(
        label=_("理由"),
        required=False,
        max_length=500,
        help_text=_("不同意时必填，申请部门会看到"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CorrectionDecisionForm(AccessibleForm):
    decision = forms.ChoiceField(
        label=_("处理结果"),
        choices=[("accept", _("更正")), ("reject", _("不予更正"))],
        widget=RadioGroup,
        error_messages={"required": in_language_lazy("请选择处理结果", "Choose a decision")},
    )
    value = forms.CharField(
        label=_("更正后的值"),
        required=False,
        max_length=2000,
        help_text=_("不填则采用申请人提供的值；将以本部门名义记入一人一档（可信等级 A）"),
    )
    reason = forms.CharField(
        label=_("处理说明"),
        required=False,
        max_length=500,
        help_text=_("不予更正时必填，申请人会看到"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, choices: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choices:  # a code element: pick one of its codes instead of typing one
            options = [
                ("", _("（采用申请人提供的值）")),
                *((code, f"{label}（{code}）") for code, label in choices.items()),
            ]
            self.fields["value"] = forms.ChoiceField(
                label=self.fields["value"].label, required=False, choices=options,
                help_text=self.fields["value"].help_text,
                error_messages={
                    "invalid_choice": in_language_lazy("请选择允许的代码", "Choose one of the allowed codes")
                },
            )  # fmt: skip


class RevokeForm(AccessibleForm):
    reason = forms.CharField(
        label=_("撤销理由"),
        max_length=500,
        error_messages={"required": in_language_lazy("请说明撤销理由", "Give a reason for revoking")},
    )


class RequestForm(AccessibleForm):
    elements = forms.MultipleChoiceField(
        label=_("申请的数据项"),
        widget=CheckboxGroup,
        help_text=_("只列出有条件共享的数据项；一次申请面向一个部门"),
        error_messages={"required": in_language_lazy("请至少选择一个数据项", "Choose at least one data element")},
    )
    purpose = forms.CharField(
        label=_("用途"),
        max_length=300,
        help_text=_("如办理的事项和依据"),
        error_messages={"required": in_language_lazy("请填写用途", "Enter the purpose")},
    )
    item_code = forms.CharField(label=_("事项编码（可选）"), max_length=40, required=False)
    period_days = forms.IntegerField(
        label=_("使用期限（天）"),
        min_value=1,
        max_value=1095,
        initial=365,
        error_messages={
            "required": in_language_lazy("请填写使用期限", "Enter the period"),
            "invalid": in_language_lazy("请填写整数天数", "Enter a whole number of days"),
            "min_value": in_language_lazy("使用期限至少 1 天", "At least 1 day"),
            "max_value": in_language_lazy("使用期限最多 1095 天", "At most 1095 days"),
        },
    )

    def __init__(self, *args: Any, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["elements"].choices = choices


class ImportForm(AccessibleForm):
    file = forms.FileField(
        label=_("数据文件（CSV 或 JSONL，UTF-8）"),
        help_text=_("主体列 id_number 或 credit_code，每个数据项一列，列名为数据项代码；可选列 as_of、record_id"),
        error_messages={
            "required": in_language_lazy("请选择文件", "Choose a file"),
            "empty": in_language_lazy("文件是空的", "The file is empty"),
        },
    )
    elements = forms.CharField(
        label=_("导入的数据项代码（可选）"),
        required=False,
        help_text=_("用空格分隔；不填则导入文件中的全部数据项列"),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                in_language_lazy("文件超过 20 MB，请拆分后再导入", "The file is larger than 20 MB; split it")
            )
        return upload
