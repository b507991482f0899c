"""Forms of the operator's guide editor: the guide fields, and formsets for materials, fees and places."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.catalog.codes import (
    CaseType,
    HandlingForm,
    LimitUnit,
    MaterialForm,
    MaterialSource,
    Necessity,
    OnlineDepth,
    Target,
)

LINES_HELP = _("每行一项")


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _words(value: str) -> list[str]:
    text = (value or "").replace("，", ",").replace("、", ",").replace("\n", ",")
    return list(dict.fromkeys(w.strip() for w in text.split(",") if w.strip()))


class LinesField(forms.CharField):
    """A list of strings typed one per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, *args: Any, min_items: int = 0, **kwargs: Any) -> None:
        self.min_items = min_items
        kwargs.setdefault("help_text", LINES_HELP)
        kwargs.setdefault("required", min_items > 0)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def clean(self, value: Any) -> list[str]:  # type: ignore[override]
        super().clean(value)
        items = _lines(value)
        if len(items) < self.min_items:
            raise forms.ValidationError(_("至少填写 %(n)d 项"), params={"n": self.min_items}, code="min_items")
        return items


class WordsField(forms.CharField):
    """A list of short words separated by commas or 、."""

    def prepare_value(self, value: Any) -> Any:
        return "、".join(value) if isinstance(value, list) else value

    def clean(self, value: Any) -> list[str]:  # type: ignore[override]
        super().clean(value)
        return _words(value)


def _choices(codes: Any) -> list[tuple[str, str]]:
    return [(c.value, c.label) for c in codes]


class GuideForm(forms.Form):
    summary = forms.CharField(label=_("事项简介"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    targets = forms.MultipleChoiceField(
        label=_("服务对象"), choices=_choices(Target), widget=forms.CheckboxSelectMultiple
    )
    handling_forms = forms.MultipleChoiceField(
        label=_("办理形式"), choices=_choices(HandlingForm), widget=forms.CheckboxSelectMultiple
    )
    case_type = forms.ChoiceField(label=_("办件类型"), choices=_choices(CaseType))
    legal_limit_days = forms.IntegerField(label=_("法定办结时限（天数）"), min_value=0, max_value=3650)
    legal_limit_unit = forms.ChoiceField(label=_("法定时限单位"), choices=_choices(LimitUnit))
    legal_limit_note = forms.CharField(label=_("法定时限说明"), required=False, max_length=200)
    promised_limit_days = forms.IntegerField(label=_("承诺办结时限（天数）"), min_value=0, max_value=3650)
    promised_limit_unit = forms.ChoiceField(label=_("承诺时限单位"), choices=_choices(LimitUnit))
    promised_limit_note = forms.CharField(label=_("承诺时限说明"), required=False, max_length=200)
    conditions = LinesField(label=_("受理条件"), min_items=1)
    legal_basis = LinesField(label=_("设定依据"), min_items=1)
    process = LinesField(label=_("办理流程"), min_items=1, help_text=_("每行一个步骤"))
    visits = forms.IntegerField(label=_("到现场次数（跑动次数）"), min_value=0, max_value=10)
    online_depth = forms.ChoiceField(label=_("网上办理深度"), choices=_choices(OnlineDepth))
    realname_level = forms.TypedChoiceField(
        label=_("实名等级要求"),
        coerce=int,
        choices=[(1, _("L1 注册用户")), (2, _("L2 实名核验")), (3, _("L3 人脸或现场核验"))],
    )
    life_events = WordsField(
        label=_("人生事件主题"), required=False, max_length=500, help_text=_("用顿号或逗号分隔，例如：出生、户籍")
    )
    keywords = WordsField(
        label=_("搜索关键词"), required=False, max_length=500, help_text=_("群众常用说法，用顿号或逗号分隔")
    )
    result = forms.CharField(label=_("审批结果"), required=False, max_length=300)
    delivery = forms.CharField(label=_("送达方式"), required=False, max_length=300)
    consult_phone = forms.CharField(label=_("咨询电话"), required=False, max_length=100)
    complaint_phone = forms.CharField(label=_("监督投诉电话"), required=False, max_length=100)
    change_note = forms.CharField(
        label=_("修订说明"), required=False, max_length=300, help_text=_("简要说明本次修改了什么")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        legal, promised = data.get("legal_limit_days"), data.get("promised_limit_days")
        same_unit = data.get("legal_limit_unit") == data.get("promised_limit_unit")
        if legal is not None and promised is not None and same_unit and promised > legal:
            self.add_error("promised_limit_days", _("承诺时限不能长于法定时限"))
        return data


class MaterialRowForm(forms.Form):
    name = forms.CharField(label=_("材料名称"), max_length=300)
    originals = forms.IntegerField(label=_("原件份数"), min_value=0, max_value=99, initial=1)
    copies = forms.IntegerField(label=_("复印件份数"), min_value=0, max_value=99, initial=0)
    form = forms.ChoiceField(label=_("材料形式"), choices=_choices(MaterialForm), initial=MaterialForm.BOTH)
    necessity = forms.ChoiceField(label=_("必要性"), choices=_choices(Necessity), initial=Necessity.REQUIRED)
    source = forms.ChoiceField(label=_("材料来源"), choices=_choices(MaterialSource), initial=MaterialSource.APPLICANT)
    issuer = forms.CharField(label=_("出具单位"), required=False, max_length=200)
    notes = forms.CharField(label=_("填报要求"), required=False, max_length=1000)
    sample = forms.CharField(label=_("示例样表"), required=False, max_length=300)
    blank_form = forms.CharField(label=_("空白表格"), required=False, max_length=300)
    online_form = forms.BooleanField(
        label=_("在线填写（本材料即网上申请表）"), required=False,
        help_text=_("勾选后网上申请时不再上传本材料；他人出具或须签字的材料（如授权委托书）不要勾选"),
    )  # fmt: skip


class FeeRowForm(forms.Form):
    name = forms.CharField(label=_("收费项目"), max_length=200)
    amount = forms.DecimalField(label=_("金额（元）"), min_value=0, max_digits=10, decimal_places=2)
    basis = forms.CharField(label=_("收费依据"), required=False, max_length=300)


class PlaceRowForm(forms.Form):
    name = forms.CharField(label=_("办理地点"), max_length=200)
    address = forms.CharField(label=_("地址"), max_length=300)
    hours = forms.CharField(label=_("办公时间"), max_length=200)
    phone = forms.CharField(label=_("电话"), required=False, max_length=100)


class _AtLeastOne(forms.BaseFormSet):  # type: ignore[type-arg]
    min_message = _("至少需要一项")

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if len(kept) < self.min_num:
            raise forms.ValidationError(self.min_message)


MaterialFormSet = forms.formset_factory(
    MaterialRowForm, formset=_AtLeastOne, extra=1, can_delete=True, min_num=1, validate_min=False
)
FeeFormSet = forms.formset_factory(FeeRowForm, extra=1, can_delete=True)
PlaceFormSet = forms.formset_factory(
    PlaceRowForm, formset=_AtLeastOne, extra=0, can_delete=True, min_num=1, validate_min=False
)


class SynonymForm(forms.Form):
    term = forms.CharField(label=_("群众说法"), max_length=50, help_text=_("例如：上户口"))
    expansions = WordsField(
        label=_("对应规范用语"), max_length=300, help_text=_("事项名称中的用语，多个用顿号分隔，例如：户口登记")
    )
