"""Application forms of the bundles' items (一件事一次办) that had none: a bundle application creates one forms
draft per item from the item's published form, so every item of the five bundles needs one. Each form is the
item's 申请表 as its guide describes it: the applicant's own facts bound to data elements (prefilled where the
department may read them), the item's own questions collected. Questions that recur within a bundle are the same
constant here (same key, type, label, choices and limits) so the bundle's one form asks them once; the newborn's
facts are free fields, since the baby is no registered person yet and bound fields would be the parent's own data.
"""

from __future__ import annotations

from typing import Any

from tongban.demo.content.form_parts import APPLICANT, BANK_ACCOUNT, CONTACT, TIME_OF_DAY, phone_field
from tongban.demo.content.regions import DISTRICT_NAMES, DISTRICTS


def _on(page: str, spec: dict[str, Any]) -> dict[str, Any]:
    """A shared question placed on this form's page."""
    return {**spec, "page": page}


def _agent(page: str, label: str, label_en: str) -> dict[str, Any]:
    """The person filling in an enterprise's form (its legal representative or an authorised employee)."""
    return {
        "key": "contact_name",
        "element": "P.NAME",
        "role": "agent",
        "page": page,
        "label": label,
        "label_en": label_en,
    }


# --- 新生儿出生一件事: the applicant is a parent; the baby's facts are free fields -----------------------------

BABY_NAME = {"key": "baby_name", "type": "text", "label": "新生儿姓名", "label_en": "Baby's name", "max_length": 30}
BABY_SEX = {
    "key": "baby_sex",
    "type": "choice",
    "label": "新生儿性别",
    "label_en": "Baby's sex",
    "choices": {"1": "男", "2": "女"},
}
BABY_BIRTH_DATE = {
    "key": "baby_birth_date",
    "type": "date",
    "label": "新生儿出生日期",
    "label_en": "Baby's date of birth",
}
GUARDIAN_RELATION = {
    "key": "guardian_relation",
    "type": "choice",
    "label": "申请人与新生儿关系",
    "label_en": "Your relation to the baby",
    "choices": {"mother": "母亲", "father": "父亲", "guardian": "其他监护人"},
}
BABY = {"key": "baby", "title": "新生儿信息", "title_en": "The baby"}

# --- 开办餐饮店一件事 --------------------------------------------------------------------------------------

# As 食品经营许可 (SC01003) asks it, so the restaurant bundle asks the premises once.
PREMISES = {
    "key": "premises",
    "type": "textarea",
    "label": "经营场所",
    "label_en": "Premises",
    "max_length": 200,
}
AREA = {  # as SC01003 asks it
    "key": "area",
    "type": "decimal",
    "label": "经营面积（平方米）",
    "label_en": "Floor area (m²)",
    "min": 1,
    "max": 100000,
}
BUSINESS_SCOPE = {
    "key": "business_scope",
    "type": "textarea",
    "label": "经营范围",
    "label_en": "Business scope",
    "max_length": 500,
    "hint": "按经营范围规范表述选择，如：餐饮服务；食品销售",
    "hint_en": "In the standard wording, e.g. catering services; food sales",
}
EMPLOYEES = {
    "key": "employees",
    "type": "integer",
    "label": "从业人数",
    "label_en": "Number of staff",
    "min": 1,
    "max": 10000,
}
BUSINESS = {"key": "business", "title": "经营信息", "title_en": "The business"}
ENTITY = {"key": "entity", "title": "经营者信息", "title_en": "Business"}

# --- 退休一件事 -------------------------------------------------------------------------------------------

EMPLOYER = {
    "key": "employer",
    "type": "text",
    "label": "退休前所在单位",
    "label_en": "Employer before retirement",
    "max_length": 100,
}

# --- 二手房转移登记及水电气过户一件事 ------------------------------------------------------------------------

PROPERTY_ADDRESS = {
    "key": "property_address",
    "type": "textarea",
    "label": "房屋坐落",
    "label_en": "Address of the home",
    "max_length": 200,
    "hint": "与不动产权证书记载一致，如：示范市明德区人民路18号3单元502室",
    "hint_en": "As on the property certificate",
}
PRICE = {
    "key": "price",
    "type": "decimal",
    "label": "房屋成交价格（万元）",
    "label_en": "Purchase price (10,000 yuan)",
    "min": 1,
    "max": 100000,
}
HANDOVER_DATE = {
    "key": "handover_date",
    "type": "date",
    "label": "交房日期",
    "label_en": "Date the home is handed over",
}
PAYMENT = {
    "key": "payment",
    "type": "choice",
    "label": "缴费方式",
    "label_en": "How to pay the bills",
    "choices": {"online": "线上缴费（“示范通”App、微信、支付宝）", "bank": "银行代扣"},
}
DEBIT_ACCOUNT = {
    "key": "debit_account",
    "type": "text",
    "label": "代扣银行卡号",
    "label_en": "Bank card for direct debit",
    "pattern": BANK_ACCOUNT,
    "hint": "12至19位数字",
    "hint_en": "12 to 19 digits",
    "visible_if": {"==": [{"var": "payment"}, "bank"]},
}
DEBIT_CARD = {
    "key": "bank_account",
    "type": "text",
    "label": "本人一类借记卡卡号",
    "label_en": "Your debit card number",
    "pattern": BANK_ACCOUNT,
    "hint": "12至19位数字",
    "hint_en": "12 to 19 digits",
}
HOME = {"key": "home", "title": "房屋信息", "title_en": "The home"}

# --- 员工录用一件事: the employer applies; the new employee's facts are free fields -----------------------------

EMPLOYEE_NAME = {
    "key": "employee_name",
    "type": "text",
    "label": "职工姓名",
    "label_en": "Employee's name",
    "max_length": 30,
}
EMPLOYEE_ID_NUMBER = {
    "key": "employee_id_number",
    "type": "id_number",
    "label": "职工公民身份号码",
    "label_en": "Employee's ID number",
}
HIRE_DATE = {"key": "hire_date", "type": "date", "label": "录用日期", "label_en": "Date of hiring"}
EMPLOYEE_PHONE = {
    "key": "employee_phone",
    "type": "phone",
    "label": "职工手机号码",
    "label_en": "Employee's mobile",
    "hint": "参保、开户结果以短信告知职工本人",
    "hint_en": "The employee is told of the result by text message",
}
CONTRACT_TYPE = {
    "key": "contract_type",
    "type": "choice",
    "label": "劳动合同期限类型",
    "label_en": "Kind of employment contract",
    "choices": {"fixed": "固定期限", "open": "无固定期限", "task": "以完成一定工作任务为期限"},
}
EMPLOYER_PAGES = [
    {"key": "entity", "title": "用人单位信息", "title_en": "Employer"},
    {"key": "employee", "title": "职工信息", "title_en": "The employee"},
    CONTACT,
]


BUNDLE_FORMS: dict[str, dict[str, Any]] = {
    # 出生医学证明签发 (卫生健康委): the 首次签发登记表, filled in by a parent before leaving hospital
    "WJ20001": {
        "subject": "person",
        "pages": [APPLICANT, BABY, CONTACT],
        "fields": [
            {"key": "name", "element": "P.NAME", "page": "applicant"},
            {"key": "ethnicity", "element": "P.ETHNICITY", "page": "applicant"},
            _on("applicant", GUARDIAN_RELATION),
            {
                "key": "other_parent_name",
                "type": "text",
                "label": "另一方父（母）姓名",
                "label_en": "The other parent's name",
                "page": "applicant",
                "max_length": 30,
                "required": False,
                "hint": "未登记结婚的，父亲信息可依法另行补填",
                "hint_en": "May be added later where the parents are not married",
            },
            {
                "key": "other_parent_id_number",
                "type": "id_number",
                "label": "另一方父（母）公民身份号码",
                "label_en": "The other parent's ID number",
                "page": "applicant",
                "visible_if": {"!!": [{"var": "other_parent_name"}]},
            },
            _on("baby", BABY_NAME),
            _on("baby", BABY_SEX),
            _on("baby", BABY_BIRTH_DATE),
            {
                "key": "birth_time",
                "type": "text",
                "label": "出生时间",
                "label_en": "Time of birth",
                "page": "baby",
                "max_length": 5,
                "pattern": TIME_OF_DAY,
                "hint": "24小时制，如 08:35",
                "hint_en": "24-hour clock, e.g. 08:35",
            },
            {
                "key": "birth_hospital",
                "type": "choice",
                "label": "出生医院（助产机构）",
                "label_en": "Hospital of birth",
                "page": "baby",
                "choices": {"maternity": "示范市妇幼保健院", "peoples": "示范市第一人民医院"},
            },
            {
                "key": "birth_weight",
                "type": "integer",
                "label": "出生体重（克）",
                "label_en": "Birth weight (g)",
                "page": "baby",
                "min": 300,
                "max": 7000,
            },
            phone_field("contact"),
        ],
    },
    # 出生户口登记 (公安局): the 出生登记申报表; the birth certificate comes as the upstream item's licence
    "GA07001": {
        "subject": "person",
        "pages": [
            APPLICANT,
            BABY,
            {"key": "delivery", "title": "户口页领取", "title_en": "Receiving the register page"},
        ],
        "fields": [
            {"key": "name", "element": "P.NAME", "page": "applicant"},
            _on("applicant", GUARDIAN_RELATION),
            {"key": "hukou_address", "element": "P.HUKOU_ADDRESS", "page": "applicant"},
            {"key": "household_number", "element": "P.HOUSEHOLD_NUMBER", "page": "applicant"},
            _on("baby", BABY_NAME),
            _on("baby", BABY_SEX),
            _on("baby", BABY_BIRTH_DATE),
            {
                "key": "hukou_with",
                "type": "choice",
                "label": "落户方式",
                "label_en": "Registered with",
                "page": "baby",
                "choices": {"father": "随父落户", "mother": "随母落户"},
            },
            {
                "key": "household_relation",
                "type": "choice",
                "label": "新生儿与户主关系",
                "label_en": "The baby's relation to the household head",
                "page": "baby",
                # GB/T 4761 家庭关系代码
                "choices": {
                    "20": "子",
                    "30": "女",
                    "41": "孙子",
                    "42": "孙女",
                    "43": "外孙子",
                    "44": "外孙女",
                    "99": "其他",
                },
            },
            {
                "key": "page_delivery",
                "type": "choice",
                "label": "户口页领取方式",
                "label_en": "How to receive the register page",
                "page": "delivery",
                "choices": {"window": "到派出所户籍窗口领取", "post": "免费邮寄"},
            },
            {
                "key": "mailing_address",  # as 社会保障卡申领 (RS20001) asks it
                "type": "textarea",
                "label": "邮寄地址",
                "label_en": "Mailing address",
                "page": "delivery",
                "max_length": 200,
                "visible_if": {"==": [{"var": "page_delivery"}, "post"]},
            },
            phone_field("delivery"),
        ],
    },
    # 城乡居民基本医疗保险参保登记 (医保局): the guardian enrols the baby
    "YB20001": {
        "subject": "person",
        "pages": [
            APPLICANT,
            BABY,
            {"key": "payment", "title": "缴费", "title_en": "Contributions"},
        ],
        "fields": [
            {"key": "name", "element": "P.NAME", "page": "applicant"},
            {"key": "hukou_address", "element": "P.HUKOU_ADDRESS", "page": "applicant"},
            _on("baby", BABY_NAME),
            _on("baby", BABY_SEX),
            _on("baby", BABY_BIRTH_DATE),
            {
                "key": "pay_method",
                "type": "choice",
                "label": "个人缴费方式",
                "label_en": "How to pay the contribution",
                "page": "payment",
                "choices": {"online": "线上缴费（税务缴费渠道）", "bank": "银行代扣"},
                "hint": "出生后90天内参保缴费的，自出生之日起享受待遇",
                "hint_en": "Paid within 90 days of birth, cover starts on the day of birth",
            },
            {**_on("payment", DEBIT_ACCOUNT), "visible_if": {"==": [{"var": "pay_method"}, "bank"]}},
            phone_field("payment"),
        ],
    },
    # 预防接种证办理 (卫生健康委): the guardian books the visit at the clinic where the family lives
    "WJ20002": {
        "subject": "person",
        "pages": [
            APPLICANT,
            BABY,
            {"key": "clinic", "title": "接种单位与预约", "title_en": "Clinic and appointment"},
        ],
        "fields": [
            {"key": "name", "element": "P.NAME", "page": "applicant"},
            _on("applicant", GUARDIAN_RELATION),
            _on("baby", BABY_NAME),
            _on("baby", BABY_SEX),
            _on("baby", BABY_BIRTH_DATE),
            {
                "key": "residence_address",
                "type": "textarea",
                "label": "现居住地址",
                "label_en": "Address where the baby lives",
                "page": "clinic",
                "max_length": 200,
            },
            {
                "key": "clinic",
                "type": "choice",
                "label": "接种单位",
                "label_en": "Vaccination clinic",
                "page": "clinic",
                "choices": {code: f"{DISTRICT_NAMES[code]}社区卫生服务中心预防接种门诊" for code, _ in DISTRICTS},
                "hint": "按居住地选择",
                "hint_en": "Where you live",
            },
            {
                "key": "appointment_date",
                "type": "date",
                "label": "预约办理日期",
                "label_en": "Appointment date",
                "page": "clinic",
                "hint": "门诊时间为周二、周四、周六上午",
                "hint_en": "Clinics open Tuesday, Thursday and Saturday mornings",
            },
            phone_field("clinic"),
        ],
    },
    # 企业设立登记 (市场监管局): the founder applies before the company exists; its facts are free fields
    "SC01001": {
        "subject": "person",
        "pages": [
            {
                "key": "applicant",
                "title": "申请人（拟任法定代表人）",
                "title_en": "Applicant (future legal representative)",
            },
            {"key": "company", "title": "拟设立企业", "title_en": "The company"},
            CONTACT,
        ],
        "fields": [
            {"key": "name", "element": "P.NAME", "page": "applicant"},
            {
                "key": "legal_rep_post",
                "type": "choice",
                "label": "法定代表人职务",
                "label_en": "Post of the legal representative",
                "page": "applicant",
                "choices": {"director": "执行董事", "chair": "董事长", "manager": "经理"},
            },
            {
                "key": "company_name",
                "type": "text",
                "label": "企业名称",
                "label_en": "Company name",
                "page": "company",
                "max_length": 60,
                "hint": "名称自主申报通过的名称，如：示范市××餐饮管理有限公司",
                "hint_en": "The name cleared in the name declaration",
            },
            {
                "key": "company_type",
                "type": "choice",
                "label": "企业类型",
                "label_en": "Kind of company",
                "page": "company",
                "choices": {"sole": "有限责任公司（自然人独资）", "multi": "有限责任公司（自然人投资或控股）"},
            },
            {
                "key": "shareholders",
                "type": "integer",
                "label": "股东人数",
                "label_en": "Number of shareholders",
                "page": "company",
                "min": 2,
                "max": 50,
                "visible_if": {"==": [{"var": "company_type"}, "multi"]},
            },
            {
                "key": "registered_capital",
                "type": "decimal",
                "label": "注册资本（万元）",
                "label_en": "Registered capital (10,000 yuan)",
                "page": "company",
                "min": 1,
                "max": 1000000,
                "hint": "全体股东认缴，自成立之日起五年内缴足",
                "hint_en": "Subscribed by the shareholders, paid in within five years",
            },
            _on("company", PREMISES),
            _on("company", BUSINESS_SCOPE),
            {
                "key": "seal",
                "type": "boolean",
                "label": "同步申请公章刻制",
                "label_en": "Have the company seal made at the same time",
                "page": "company",
            },
            phone_field("contact"),
        ],
    },
    # 个体工商户设立登记 (市场监管局): the operator applies; the business may go without a name
    "SC01002": {
        "subject": "person",
        "pages": [{"key": "applicant", "title": "经营者信息", "title_en": "Operator"}, BUSINESS, CONTACT],
        "fields": [
            {"key": "name", "element": "P.NAME", "page": "applicant"},
            {"key": "hukou_address", "element": "P.HUKOU_ADDRESS", "page": "applicant"},
            {
                "key": "composition",
                "type": "choice",
                "label": "组成形式",
                "label_en": "Run by",
                "page": "applicant",
                "choices": {"personal": "个人经营", "family": "家庭经营"},
            },
            {
                "key": "family_members",
                "type": "textarea",
                "label": "参加经营的家庭成员姓名",
                "label_en": "Family members in the business",
                "page": "applicant",
                "max_length": 100,
                "visible_if": {"==": [{"var": "composition"}, "family"]},
            },
            {
                "key": "business_name",
                "type": "text",
                "label": "个体工商户名称",
                "label_en": "Business name",
                "page": "business",
                "max_length": 60,
                "required": False,
                "hint": "可以不使用名称；使用的，如：示范市新港区××面馆",
                "hint_en": "Optional",
            },
            _on("business", PREMISES),
            _on("business", BUSINESS_SCOPE),
            _on("business", EMPLOYEES),
            {
                "key": "capital",
                "type": "decimal",
                "label": "资金数额（万元）",
                "label_en": "Capital (10,000 yuan)",
                "page": "business",
                "min": 0.1,
                "max": 100000,
            },
            phone_field("contact"),
        ],
    },
    # 公共场所卫生许可 (卫生健康委): an enterprise's application, like SC01003
    "WJ01001": {
        "subject": "enterprise",
        "pages": [ENTITY, {"key": "premises", "title": "场所信息", "title_en": "The public place"}, CONTACT],
        "fields": [
            {"key": "ent_name", "element": "E.NAME", "page": "entity"},
            {"key": "uscc", "element": "E.USCC", "page": "entity"},
            {"key": "legal_rep", "element": "E.LEGAL_REP_NAME", "page": "entity"},
            _on("premises", PREMISES),
            {
                "key": "place_kind",
                "type": "choice",
                "label": "场所类别",
                "label_en": "Kind of public place",
                "page": "premises",
                "choices": {
                    "cafe": "咖啡馆、酒吧、茶座",
                    "hotel": "宾馆、旅店、招待所",
                    "beauty": "理发店、美容店",
                    "bath": "公共浴室",
                    "pool": "游泳场（馆）",
                },
            },
            _on("premises", AREA),
            _on("premises", EMPLOYEES),
            {
                "key": "hygiene_manager",
                "type": "text",
                "label": "卫生管理人员姓名",
                "label_en": "Person in charge of hygiene",
                "page": "premises",
                "max_length": 30,
            },
            {
                "key": "procedure",
                "type": "choice",
                "label": "办理方式",
                "label_en": "Procedure",
                "page": "premises",
                "choices": {
                    "pledge": "告知承诺（当场发证，三个月内现场核查）",
                    "general": "一般程序（现场审查后发证）",
                },
            },
            _agent("contact", "联系人", "Contact person"),
            phone_field("contact"),
        ],
    },
    # 户外招牌设置审批 (城市管理局): an enterprise's application, like SC01003
    "CG01001": {
        "subject": "enterprise",
        "pages": [ENTITY, {"key": "sign", "title": "招牌设置方案", "title_en": "The sign"}, CONTACT],
        "fields": [
            {"key": "ent_name", "element": "E.NAME", "page": "entity"},
            {"key": "uscc", "element": "E.USCC", "page": "entity"},
            _on("sign", PREMISES),
            {
                "key": "sign_text",
                "type": "text",
                "label": "招牌文字",
                "label_en": "Wording of the sign",
                "page": "sign",
                "max_length": 30,
                "hint": "应与营业执照登记的名称或字号一致",
                "hint_en": "As the registered name or trade name",
            },
            {
                "key": "sign_kind",
                "type": "choice",
                "label": "招牌形式",
                "label_en": "Kind of sign",
                "page": "sign",
                "choices": {"flat": "平行于墙面", "projecting": "垂直于墙面（悬挑）", "canopy": "雨棚招牌"},
            },
            {
                "key": "sign_length",
                "type": "decimal",
                "label": "招牌长度（米）",
                "label_en": "Length (m)",
                "page": "sign",
                "min": 0.1,
                "max": 50,
            },
            {
                "key": "sign_height",
                "type": "decimal",
                "label": "招牌高度（米）",
                "label_en": "Height (m)",
                "page": "sign",
                "min": 0.1,
                "max": 10,
            },
            {
                "key": "mount_height",
                "type": "decimal",
                "label": "设置高度（米，招牌底边距地面）",
                "label_en": "Mounted at (m above the ground)",
                "page": "sign",
                "min": 0,
                "max": 100,
                "hint": "超过8米或面积超过10平方米的，须提供结构安全评估报告",
                "hint_en": "Above 8 m or over 10 m², a structural safety assessment is needed",
            },
            {
                "key": "standard_style",
                "type": "boolean",
                "label": "采用《示范市店招标牌设置导则》标准样式",
                "label_en": "One of the city's standard sign designs",
                "page": "sign",
            },
            _agent("contact", "联系人", "Contact person"),
            phone_field("contact"),
        ],
    },
    # 退休申请 (人社局): the retiree applies up to three months before reaching retirement age
    "RS05001": {
        "subject": "person",
        "pages": [APPLICANT, {"key": "retirement", "title": "退休信息", "title_en": "Retirement"}, CONTACT],
        "fields": [
            {"key": "name", "element": "P.NAME", "page": "applicant"},
            {"key": "sex", "element": "P.SEX", "page": "applicant"},
            {"key": "birth_date", "element": "P.BIRTH_DATE", "page": "applicant"},
            {"key": "hukou_address", "element": "P.HUKOU_ADDRESS", "page": "applicant"},
            {"key": "pension_status", "element": "P.PENSION_STATUS", "page": "applicant"},
            {
                "key": "social_card_no",
                "element": "P.SOCIAL_CARD_NO",
                "page": "applicant",
                "hint": "养老金按月发放至社会保障卡",
                "hint_en": "The pension is paid to this card each month",
            },
            _on("retirement", EMPLOYER),
            {
                "key": "post_type",
                "type": "choice",
                "label": "原岗位类别",
                "label_en": "Kind of post",
                "page": "retirement",
                "choices": {
                    "worker": "工人岗位（原法定退休年龄50周岁）",
                    "cadre": "管理、专业技术岗位（原法定退休年龄55周岁）",
                },
                "visible_if": {"==": [{"var": "sex"}, "F"]},
            },
            {
                "key": "retirement_kind",
                "type": "choice",
                "label": "退休方式",
                "label_en": "Kind of retirement",
                "page": "retirement",
                "choices": {"normal": "到达法定退休年龄退休", "early": "弹性提前退休", "deferred": "弹性延迟退休"},
            },
            {
                "key": "retire_on",
                "type": "date",
                "label": "申请退休时间",
                "label_en": "Date to retire",
                "page": "retirement",
                "hint": "弹性提前或延迟最长不超过三年",
                "hint_en": "At most three years earlier or later",
                "visible_if": {"in": [{"var": "retirement_kind"}, ["early", "deferred"]]},
            },
            phone_field("contact"),
        ],
    },
    # 基本养老金核定 (人社局): the retiree confirms what the assessment needs to know
    "RS07001": {
        "subject": "person",
        "pages": [APPLICANT, {"key": "record", "title": "缴费年限", "title_en": "Contribution years"}, CONTACT],
        "fields": [
            {"key": "name", "element": "P.NAME", "page": "applicant"},
            {"key": "birth_date", "element": "P.BIRTH_DATE", "page": "applicant"},
            {
                "key": "social_card_no",
                "element": "P.SOCIAL_CARD_NO",
                "page": "applicant",
                "hint": "养老金按月发放至社会保障卡",
                "hint_en": "The pension is paid to this card each month",
            },
            {
                "key": "deemed_years",
                "type": "boolean",
                "label": "是否有1995年以前的连续工龄（视同缴费年限）",
                "label_en": "Years of work before 1995 (deemed contributions)",
                "page": "record",
            },
            {
                "key": "work_start",
                "type": "date",
                "label": "参加工作时间",
                "label_en": "Started work on",
                "page": "record",
                "hint": "以人事档案记载为准",
                "hint_en": "As the personnel file records it",
                "visible_if": {"==": [{"var": "deemed_years"}, True]},
            },
            {
                "key": "other_provinces",
                "type": "boolean",
                "label": "是否在外省市缴纳过基本养老保险",
                "label_en": "Contributions paid in other provinces",
                "page": "record",
            },
            {
                "key": "other_provinces_list",
                "type": "text",
                "label": "曾缴费的省市",
                "label_en": "Where",
                "page": "record",
                "max_length": 100,
                "hint": "如：广东省深圳市；跨省缴费记录通过全国社保信息系统归集",
                "hint_en": "e.g. Shenzhen, Guangdong",
                "visible_if": {"==": [{"var": "other_provinces"}, True]},
            },
            {
                "key": "confirm_by",
                "type": "choice",
                "label": "核定结果确认方式",
                "label_en": "How you confirm the assessment",
                "page": "contact",
                "choices": {"online": "在线确认", "window": "到社保经办窗口确认"},
            },
            phone_field("contact"),
        ],
    },
    # 职工医保退休人员待遇核定 (医保局)
    "YB07001": {
        "subject": "person",
        "pages": [APPLICANT, {"key": "insurance", "title": "医保缴费年限", "title_en": "Insurance years"}, CONTACT],
        "fields": [
            {"key": "name", "element": "P.NAME", "page": "applicant"},
            {"key": "sex", "element": "P.SEX", "page": "applicant"},
            {"key": "birth_date", "element": "P.BIRTH_DATE", "page": "applicant"},
            {"key": "medical_status", "element": "P.MEDICAL_STATUS", "page": "applicant"},
            {"key": "medical_place", "element": "P.MEDICAL_PLACE", "page": "applicant"},
            _on("insurance", EMPLOYER),
            {
                "key": "other_region",
                "type": "boolean",
                "label": "是否有外统筹地区的职工医保缴费年限",
                "label_en": "Employee medical insurance paid elsewhere",
                "page": "insurance",
            },
            {
                "key": "other_region_years",
                "type": "integer",
                "label": "外统筹地区缴费年限（年）",
                "label_en": "Years paid elsewhere",
                "page": "insurance",
                "min": 1,
                "max": 45,
                "visible_if": {"==": [{"var": "other_region"}, True]},
            },
            {
                "key": "top_up",
                "type": "choice",
                "label": "缴费年限不足时",
                "label_en": "If the years fall short",
                "page": "insurance",
                "choices": {"lump": "一次性补缴至规定年限", "monthly": "继续按月缴费至规定年限"},
                "hint": "男满25年、女满20年，其中在本市实际缴费满10年",
                "hint_en": "25 years for men, 20 for women, 10 of them paid in the city",
            },
            phone_field("contact"),
        ],
    },
    # 住房公积金提取（离休、退休）(公积金中心): the whole balance, the account closed
    "GJ20004": {
        "subject": "person",
        "pages": [APPLICANT, {"key": "withdrawal", "title": "提取信息", "title_en": "Withdrawal"}, CONTACT],
        "fields": [
            {"key": "name", "element": "P.NAME", "page": "applicant"},
            {"key": "fund_account", "element": "P.FUND_ACCOUNT", "page": "applicant"},
            {"key": "fund_status", "element": "P.FUND_STATUS", "page": "applicant"},
            _on("applicant", EMPLOYER),
            {
                "key": "has_loan",
                "type": "boolean",
                "label": "是否有未结清的住房公积金贷款",
                "label_en": "A housing fund loan still to repay",
                "page": "withdrawal",
                "hint": "有的，账户余额先用于偿还贷款",
                "hint_en": "If so, the balance repays the loan first",
            },
            {
                "key": "payee",
                "type": "choice",
                "label": "提取资金转入",
                "label_en": "Pay the balance into",
                "page": "withdrawal",
                "choices": {"debit": "本人一类借记卡", "social_card": "社会保障卡金融账户"},
            },
            {**_on("withdrawal", DEBIT_CARD), "visible_if": {"==": [{"var": "payee"}, "debit"]}},
            {
                "key": "social_card_no",
                "element": "P.SOCIAL_CARD_NO",
                "page": "withdrawal",
                "visible_if": {"==": [{"var": "payee"}, "social_card"]},
            },
            phone_field("contact"),
        ],
    },
    # 不动产转移登记 (自然资源和规划局): the buyer's application for a second-hand home
    "ZR07001": {
        "subject": "person",
        "pages": [
            {"key": "applicant", "title": "买受人（权利人）", "title_en": "Buyer"},
            HOME,
            {"key": "seller", "title": "出卖人（义务人）", "title_en": "Seller"},
            CONTACT,
        ],
        "fields": [
            {"key": "name", "element": "P.NAME", "page": "applicant"},
            {"key": "marital_status", "element": "P.MARITAL_STATUS", "page": "applicant"},
            {
                "key": "ownership",
                "type": "choice",
                "label": "共有情况",
                "label_en": "Ownership",
                "page": "applicant",
                "choices": {"single": "单独所有", "joint": "共同共有", "shares": "按份共有"},
            },
            {
                "key": "co_owner_name",
                "type": "text",
                "label": "共有人姓名",
                "label_en": "Co-owners",
                "page": "applicant",
                "max_length": 60,
                "visible_if": {"in": [{"var": "ownership"}, ["joint", "shares"]]},
            },
            _on("home", PROPERTY_ADDRESS),
            _on("home", PRICE),
            {
                "key": "with_mortgage",
                "type": "boolean",
                "label": "是否“带押过户”",
                "label_en": "Transfer with the seller's mortgage in place",
                "page": "home",
                "hint": "房屋尚有抵押的，转移登记与抵押登记同时办理",
                "hint_en": "The mortgage registration is done together with the transfer",
            },
            {
                "key": "seller_name",
                "type": "text",
                "label": "出卖人姓名",
                "label_en": "Seller's name",
                "page": "seller",
                "max_length": 30,
            },
            {
                "key": "seller_id_number",
                "type": "id_number",
                "label": "出卖人公民身份号码",
                "label_en": "Seller's ID number",
                "page": "seller",
            },
            phone_field("contact"),
        ],
    },
    # 用水过户 (供水公司): after the title transfer
    "SW20001": {
        "subject": "person",
        "pages": [APPLICANT, HOME],
        "fields": [
            {"key": "name", "element": "P.NAME", "page": "applicant"},
            _on("home", PROPERTY_ADDRESS),
            _on("home", HANDOVER_DATE),
            {
                "key": "water_persons",
                "type": "integer",
                "label": "用水人口（人）",
                "label_en": "People in the household",
                "page": "home",
                "min": 1,
                "max": 20,
                "hint": "5人及以上的可核增阶梯水量",
                "hint_en": "Five or more get a larger tier",
            },
            _on("home", PAYMENT),
            _on("home", DEBIT_ACCOUNT),
            phone_field("applicant"),
        ],
    },
    # 用电过户 (供电公司)
    "GD20001": {
        "subject": "person",
        "pages": [APPLICANT, HOME],
        "fields": [
            {"key": "name", "element": "P.NAME", "page": "applicant"},
            _on("home", PROPERTY_ADDRESS),
            _on("home", HANDOVER_DATE),
            {
                "key": "time_of_use",
                "type": "boolean",
                "label": "是否申请居民峰谷分时电价",
                "label_en": "Time-of-use tariff",
                "page": "home",
            },
            _on("home", PAYMENT),
            _on("home", DEBIT_ACCOUNT),
            phone_field("applicant"),
        ],
    },
    # 燃气过户 (燃气公司): with the safety check at home after the transfer
    "RQ20001": {
        "subject": "person",
        "pages": [APPLICANT, HOME],
        "fields": [
            {"key": "name", "element": "P.NAME", "page": "applicant"},
            _on("home", PROPERTY_ADDRESS),
            _on("home", HANDOVER_DATE),
            {
                "key": "inspection_date",
                "type": "date",
                "label": "预约入户安全检查日期",
                "label_en": "Date for the safety check",
                "page": "home",
                "hint": "过户后3个工作日内安排上门",
                "hint_en": "Within 3 working days of the transfer",
            },
            {
                "key": "inspection_slot",
                "type": "choice",
                "label": "上门时段",
                "label_en": "Time of day",
                "page": "home",
                "choices": {"am": "上午（9:00-12:00）", "pm": "下午（14:00-17:30）"},
            },
            _on("home", PAYMENT),
            _on("home", DEBIT_ACCOUNT),
            phone_field("applicant"),
        ],
    },
    # 住房公积金提取（购买自住住房）(公积金中心)
    "GJ20001": {
        "subject": "person",
        "pages": [APPLICANT, HOME, {"key": "withdrawal", "title": "提取信息", "title_en": "Withdrawal"}],
        "fields": [
            {"key": "name", "element": "P.NAME", "page": "applicant"},
            {"key": "fund_account", "element": "P.FUND_ACCOUNT", "page": "applicant"},
            {"key": "fund_status", "element": "P.FUND_STATUS", "page": "applicant"},
            {"key": "marital_status", "element": "P.MARITAL_STATUS", "page": "applicant"},
            _on("home", PROPERTY_ADDRESS),
            {
                "key": "purchase_type",
                "type": "choice",
                "label": "购房类型",
                "label_en": "Kind of purchase",
                "page": "home",
                "choices": {"existing": "存量房（二手房）", "new": "新建商品房"},
            },
            _on("home", PRICE),
            {
                "key": "loan_amount",
                "type": "decimal",
                "label": "购房贷款金额（万元）",
                "label_en": "Mortgage (10,000 yuan)",
                "page": "home",
                "min": 0,
                "max": 100000,
                "hint": "提取总额不超过房价扣除贷款后的金额",
                "hint_en": "At most the price less the mortgage is withdrawn",
            },
            {
                "key": "spouse_too",
                "type": "boolean",
                "label": "是否同时提取配偶的住房公积金",
                "label_en": "Withdraw your spouse's fund too",
                "page": "withdrawal",
                "visible_if": {"==": [{"var": "marital_status"}, "20"]},
            },
            _on("withdrawal", DEBIT_CARD),
            phone_field("withdrawal"),
        ],
    },
    # 职工参保登记（单位增员）(人社局): the employer declares a new employee
    "RS20006": {
        "subject": "enterprise",
        "pages": EMPLOYER_PAGES,
        "fields": [
            {"key": "ent_name", "element": "E.NAME", "page": "entity"},
            {"key": "uscc", "element": "E.USCC", "page": "entity"},
            _on("employee", EMPLOYEE_NAME),
            _on("employee", EMPLOYEE_ID_NUMBER),
            _on("employee", HIRE_DATE),
            _on("employee", EMPLOYEE_PHONE),
            _on("employee", CONTRACT_TYPE),
            {
                "key": "insurance_wage",
                "type": "decimal",
                "label": "月缴费工资（元）",
                "label_en": "Monthly wage for contributions (yuan)",
                "page": "employee",
                "min": 1,
                "max": 1000000,
                "hint": "低于或高于缴费基数上下限的，按上下限缴纳",
                "hint_en": "Below or above the limits, the limits apply",
            },
            _agent("contact", "经办人", "Person handling it"),
            phone_field("contact"),
        ],
    },
    # 就业登记 (人社局): done by the employer with the 增员, as the guide says
    "RS20002": {
        "subject": "enterprise",
        "pages": EMPLOYER_PAGES,
        "fields": [
            {"key": "ent_name", "element": "E.NAME", "page": "entity"},
            {"key": "uscc", "element": "E.USCC", "page": "entity"},
            _on("employee", EMPLOYEE_NAME),
            _on("employee", EMPLOYEE_ID_NUMBER),
            _on("employee", HIRE_DATE),
            _on("employee", CONTRACT_TYPE),
            {
                "key": "job",
                "type": "text",
                "label": "工作岗位",
                "label_en": "Job",
                "page": "employee",
                "max_length": 50,
            },
            {
                "key": "work_pattern",
                "type": "choice",
                "label": "用工形式",
                "label_en": "Working pattern",
                "page": "employee",
                "choices": {"full": "全日制", "part": "非全日制"},
            },
            _agent("contact", "经办人", "Person handling it"),
            phone_field("contact"),
        ],
    },
    # 住房公积金个人账户设立 (公积金中心): the employer opens the new employee's account
    "GJ20003": {
        "subject": "enterprise",
        "pages": EMPLOYER_PAGES,
        "fields": [
            {"key": "ent_name", "element": "E.NAME", "page": "entity"},
            {"key": "uscc", "element": "E.USCC", "page": "entity"},
            {"key": "fund_unit_account", "element": "E.FUND_UNIT_ACCOUNT", "page": "entity"},
            _on("employee", EMPLOYEE_NAME),
            _on("employee", EMPLOYEE_ID_NUMBER),
            _on("employee", HIRE_DATE),
            _on("employee", EMPLOYEE_PHONE),
            {
                "key": "fund_base",
                "type": "decimal",
                "label": "缴存基数（元/月）",
                "label_en": "Contribution base (yuan a month)",
                "page": "employee",
                "min": 1,
                "max": 1000000,
                "hint": "职工上一年度月平均工资；新录用的按首月工资",
                "hint_en": "Last year's average monthly wage; the first month's wage for a new hire",
            },
            {
                "key": "fund_rate",
                "type": "choice",
                "label": "缴存比例（单位和职工各）",
                "label_en": "Contribution rate (each of employer and employee)",
                "page": "employee",
                "choices": {str(n): f"{n}%" for n in range(5, 13)},
            },
            _agent("contact", "经办人", "Person handling it"),
            phone_field("contact"),
        ],
    },
}
