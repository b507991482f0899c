"""Code tables for service items, after GB/T 39046 (政务服务事项基本目录及实施清单).

Each table keeps the standard's numeric codes so exchange formats can use them unchanged.
"""

from django.db import models
from django.utils.translation import pgettext_lazy


class ItemType(models.TextChoices):
    """事项类型 (GB/T 39046, item type)."""

    LICENSING = "01", "行政许可"
    PENALTY = "02", "行政处罚"
    ENFORCEMENT = "03", "行政强制"
    LEVY = "04", "行政征收"
    BENEFIT = "05", "行政给付"
    INSPECTION = "06", "行政检查"
    CONFIRMATION = "07", "行政确认"
    REWARD = "08", "行政奖励"
    ADJUDICATION = "09", "行政裁决"
    OTHER_POWER = "10", "其他行政权力"
    PUBLIC_SERVICE = "20", "公共服务"


class Level(models.TextChoices):
    """行使层级 (exercise level)."""

    NATIONAL = "1", "国家级"
    PROVINCIAL = "2", "省级"
    MUNICIPAL = "3", "市级"
    COUNTY = "4", "县级"
    TOWNSHIP = "5", "乡镇(街道)级"
    VILLAGE = "6", "村(社区)级"


class Target(models.TextChoices):
    """服务对象 (service target)."""

    NATURAL_PERSON = "1", "自然人"
    ENTERPRISE = "2", "企业法人"
    INSTITUTION = "3", "事业法人"
    SOCIAL_ORG = "4", "社会组织法人"
    NON_LEGAL_ENTERPRISE = "5", "非法人企业"
    ADMINISTRATIVE = "6", "行政机关"
    OTHER_ORG = "7", "其他组织"


class HandlingForm(models.TextChoices):
    """办理形式 (handling form)."""

    WINDOW = "1", "窗口办理"
    ONLINE = "2", "网上办理"
    POST = "3", "快递申请"
    OTHER = "4", "其他"


class CaseType(models.TextChoices):
    """办件类型: 即办件 decided on the spot, 承诺件 within a promised limit."""

    IMMEDIATE = "1", "即办件"
    COMMITTED = "2", "承诺件"


class LimitUnit(models.TextChoices):
    """时限单位: working days (G, 工作日) or natural days (Z, 自然日)."""

    # Translated here (not only through catalog_tags.code_label): case pages print get_limit_unit_display.
    WORKING_DAYS = "G", pgettext_lazy("time limit unit", "工作日")
    NATURAL_DAYS = "Z", pgettext_lazy("time limit unit", "自然日")


class OnlineDepth(models.TextChoices):
    """网上办理深度: Ⅰ 信息公开/表格下载 … Ⅳ 全程网办."""

    INFO = "1", "Ⅰ级 网上可查询、表格可下载"
    PRE_REVIEW = "2", "Ⅱ级 网上预审"
    ONLINE_ACCEPT = "3", "Ⅲ级 网上受理，现场取件"
    FULLY_ONLINE = "4", "Ⅳ级 全程网办"


class MaterialForm(models.TextChoices):
    """材料形式."""

    PAPER = "paper", "纸质"
    ELECTRONIC = "electronic", "电子"
    BOTH = "both", "纸质或电子"


class MaterialSource(models.TextChoices):
    """材料来源: who supplies it, or what replaces it."""

    APPLICANT = "applicant", "申请人提供"
    SHARED = "shared", "共享数据获取"
    LICENCE = "licence", "电子证照获取"
    PLEDGE = "pledge", "告知承诺替代"
    INTERNAL = "internal", "政府部门内部核发"


class Necessity(models.TextChoices):
    """必要/容缺: a 容缺 material may be supplied after acceptance."""

    REQUIRED = "required", "必要"
    DEFERRABLE = "deferrable", "容缺"
    OPTIONAL = "optional", "非必要"
