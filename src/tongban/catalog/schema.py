"""The exchange shape of a service item and its guide (import files, the demo city, the API).

Codes are the GB/T 39046 values in catalog.codes. Dates in exchange are YYYYMMDD (DESIGN §4).
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field

from tongban.catalog.codes import (
    CaseType,
    HandlingForm,
    ItemType,
    Level,
    LimitUnit,
    MaterialForm,
    MaterialSource,
    Necessity,
    OnlineDepth,
    Target,
)


class LimitSpec(BaseModel):
    days: int = Field(ge=0, le=3650)
    unit: LimitUnit = LimitUnit.WORKING_DAYS
    note: str = ""  # e.g. 不含现场勘验时间


class FeeSpec(BaseModel):
    name: str
    amount: Decimal = Field(ge=0)  # yuan; 0 for free items is expressed by an empty fee list
    basis: str = ""  # 收费依据


class PlaceSpec(BaseModel):
    name: str  # 办理地点名称, e.g. 示范市政务服务中心二楼 B 区 12 号窗口
    address: str
    hours: str  # 办公时间
    phone: str = ""


class MaterialSpec(BaseModel):
    name: str
    originals: int = Field(default=1, ge=0)  # 原件份数
    copies: int = Field(default=0, ge=0)  # 复印件份数
    form: MaterialForm = MaterialForm.BOTH
    necessity: Necessity = Necessity.REQUIRED
    issuer: str = ""  # 出具单位; 申请人 for self-made
    source: MaterialSource = MaterialSource.APPLICANT
    notes: str = ""  # 填报要求 / 受理标准
    sample: str = ""  # description of the sample (示例样表)
    blank_form: str = ""  # name of the blank form to fill (空白表格)
    online_form: bool = False  # the application form itself: filled in online, never uploaded


class ItemSpec(BaseModel):
    basic_code: str = Field(pattern=r"^[0-9A-Za-z]{1,10}$")  # 基本编码 an..10
    name: str
    name_en: str = ""
    item_type: ItemType
    department: str  # implementing department's unified social credit code (18 chars)
    level: Level = Level.MUNICIPAL
    targets: list[Target] = Field(min_length=1)
    handling_forms: list[HandlingForm] = Field(min_length=1)
    case_type: CaseType = CaseType.COMMITTED
    legal_limit: LimitSpec
    promised_limit: LimitSpec
    fees: list[FeeSpec] = Field(default_factory=list)
    conditions: list[str] = Field(min_length=1)  # 受理条件
    legal_basis: list[str] = Field(min_length=1)  # 设定依据
    places: list[PlaceSpec] = Field(min_length=1)
    process: list[str] = Field(min_length=1)  # 办理流程 steps
    visits: int = Field(ge=0, le=10)  # 到现场次数 (跑动次数)
    online_depth: OnlineDepth = OnlineDepth.FULLY_ONLINE
    realname_level: int = Field(default=2, ge=1, le=3)
    life_events: list[str] = Field(default_factory=list)  # e.g. 出生, 上学, 就业, 开办企业
    keywords: list[str] = Field(default_factory=list)  # search synonyms, e.g. 营业执照 for 企业设立登记
    summary: str = ""  # one-paragraph plain description for the guide's top
    materials: list[MaterialSpec] = Field(min_length=1)
    consult_phone: str = ""
    complaint_phone: str = ""
    result: str = ""  # 审批结果 e.g. 《出生医学证明》
    delivery: str = ""  # 送达方式
