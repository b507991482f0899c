"""好差评 codes (DESIGN §4): five levels, 1–2 are 差评; the channels a rating comes through."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy

BAD_AT_MOST = 2  # 1 非常不满意 and 2 不满意 are 差评
RECTIFY_DAYS = 5  # working days to rectify a 差评
RECTIFY_DAYS_COMPLEX = 15


class Score(models.IntegerChoices):
    VERY_GOOD = 5, pgettext_lazy("rating", "非常满意")
    GOOD = 4, pgettext_lazy("rating", "满意")
    FAIR = 3, pgettext_lazy("rating", "基本满意")
    BAD = 2, pgettext_lazy("rating", "不满意")
    VERY_BAD = 1, pgettext_lazy("rating", "非常不满意")


class RatingChannel(models.TextChoices):
    PC = "pc", pgettext_lazy("rating channel", "PC 端")
    MOBILE = "mobile", pgettext_lazy("rating channel", "移动端")
    MINI_PROGRAM = "mini_program", pgettext_lazy("rating channel", "小程序")
    WINDOW_PAD = "window_pad", pgettext_lazy("rating channel", "窗口评价器")
    KIOSK = "kiosk", pgettext_lazy("rating channel", "自助终端")
    HOTLINE = "hotline", pgettext_lazy("rating channel", "12345 热线")
    SMS = "sms", pgettext_lazy("rating channel", "短信")


# Reasons a rater can tick (several); the bad ones are what a rectification must address.
GOOD_REASONS = {
    "fast": pgettext_lazy("rating reason", "办理快捷"),
    "clear": pgettext_lazy("rating reason", "一次告知清楚"),
    "polite": pgettext_lazy("rating reason", "服务热情"),
    "online": pgettext_lazy("rating reason", "网上办理方便"),
}
BAD_REASONS = {
    "slow": pgettext_lazy("rating reason", "办理时间长"),
    "unclear": pgettext_lazy("rating reason", "告知不清楚，多次补材料"),
    "attitude": pgettext_lazy("rating reason", "服务态度差"),
    "repeat": pgettext_lazy("rating reason", "重复提交已有材料"),
    "visits": pgettext_lazy("rating reason", "多次跑腿"),
}


class RectificationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("rectification", "待整改")
    ANSWERED = "answered", pgettext_lazy("rectification", "已整改并回访")
