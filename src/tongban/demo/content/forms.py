"""Application forms of the demo city: each field bound to a data element is prefilled when the item's
department may read it; the rest is the collection list. Choices and conditions as a department would set them.
"""

from __future__ import annotations

from typing import Any

from tongban.demo.content.form_parts import APPLICANT, CONTACT, phone_field
from tongban.demo.content.forms_bundles import BUNDLE_FORMS

FORMS: dict[str, dict[str, Any]] = {
    # 异地就医备案 (医保局)
    "YB20003": {
        "subject": "person",
        "pages": [APPLICANT, {"key": "filing", "title": "备案信息", "title_en": "Registration"}, CONTACT],
        "fields": [
            {"key": "name", "element": "P.NAME", "page": "applicant"},
            {"key": "sex", "element": "P.SEX", "page": "applicant"},
            {"key": "birth_date", "element": "P.BIRTH_DATE", "page": "applicant"},
            {"key": "hukou_address", "element": "P.HUKOU_ADDRESS", "page": "applicant"},
            {"key": "medical_status", "element": "P.MEDICAL_STATUS", "page": "applicant"},
            {"key": "medical_place", "element": "P.MEDICAL_PLACE", "page": "applicant"},
            {
                "key": "filing_type",
                "type": "choice",
                "label": "备案类型",
                "label_en": "Kind of registration",
                "page": "filing",
                "choices": {"1": "异地长期居住", "2": "常驻异地工作", "3": "异地转诊就医", "4": "临时外出就医"},
            },
            {
                "key": "destination",
                "type": "text",
                "label": "就医地（省、市）",
                "label_en": "Place of treatment",
                "page": "filing",
                "max_length": 50,
                "hint": "如：广东省深圳市",
                "hint_en": "e.g. Shenzhen, Guangdong",
            },
            {
                "key": "residence_address",
                "type": "textarea",
                "label": "异地居住（工作）地址",
                "label_en": "Address where you live or work",
                "page": "filing",
                "max_length": 200,
                "visible_if": {"in": [{"var": "filing_type"}, ["1", "2"]]},
            },
            {
                "key": "referral_hospital",
                "type": "text",
                "label": "转诊医院",
                "label_en": "Referring hospital",
                "page": "filing",
                "max_length": 100,
                "visible_if": {"==": [{"var": "filing_type"}, "3"]},
            },
            {"key": "start_date", "type": "date", "label": "备案开始日期", "label_en": "Start date", "page": "filing"},
            phone_field("contact"),
        ],
    },
    # 社会保障卡申领 (人社局)
    "RS20001": {
        "subject": "person",
        "pages": [APPLICANT, {"key": "card", "title": "制卡与领取", "title_en": "Card and delivery"}, CONTACT],
        "fields": [
            {"key": "name", "element": "P.NAME", "page": "applicant"},
            {"key": "sex", "element": "P.SEX", "page": "applicant"},
            {"key": "birth_date", "element": "P.BIRTH_DATE", "page": "applicant"},
            {"key": "ethnicity", "element": "P.ETHNICITY", "page": "applicant"},
            {"key": "hukou_address", "element": "P.HUKOU_ADDRESS", "page": "applicant"},
            {
                "key": "apply_type",
                "type": "choice",
                "label": "申领类型",
                "label_en": "Kind of application",
                "page": "card",
                "choices": {"1": "首次申领", "2": "补领（遗失）", "3": "换领（损坏）"},
            },
            {
                "key": "card_no",
                "element": "P.SOCIAL_CARD_NO",
                "page": "card",
                "required": False,
                "visible_if": {"in": [{"var": "apply_type"}, ["2", "3"]]},
            },
            {
                "key": "bank",
                "type": "choice",
                "label": "金融功能合作银行",
                "label_en": "Partner bank",
                "page": "card",
                "choices": {"icbc": "工商银行", "abc": "农业银行", "boc": "中国银行", "ccb": "建设银行"},
            },
            {
                "key": "delivery",
                "type": "choice",
                "label": "领取方式",
                "label_en": "How to receive the card",
                "page": "card",
                "choices": {"window": "到服务网点领取", "post": "邮寄到家"},
            },
            {
                "key": "mailing_address",
                "type": "textarea",
                "label": "邮寄地址",
                "label_en": "Mailing address",
                "page": "card",
                "max_length": 200,
                "visible_if": {"==": [{"var": "delivery"}, "post"]},
            },
            phone_field("contact"),
        ],
    },
    # 最低生活保障 (民政局): 户籍 elements need a grant 民政局 has requested but not yet received
    "MZ05002": {
        "subject": "person",
        "pages": [APPLICANT, {"key": "household", "title": "家庭情况", "title_en": "Household"}, CONTACT],
        "fields": [
            {"key": "name", "element": "P.NAME", "page": "applicant"},
            {"key": "birth_date", "element": "P.BIRTH_DATE", "page": "applicant"},
            {"key": "hukou_address", "element": "P.HUKOU_ADDRESS", "page": "applicant"},
            {
                "key": "household_number",
                "element": "P.HOUSEHOLD_NUMBER",
                "page": "applicant",
                "hint": "户口簿首页的户号，如 H00012",
                "hint_en": "On the first page of the household register",
            },
            {"key": "marital_status", "element": "P.MARITAL_STATUS", "page": "applicant"},
            {"key": "property_count", "element": "P.PROPERTY_COUNT", "page": "household"},
            {
                "key": "household_size",
                "type": "integer",
                "label": "共同生活家庭成员人数",
                "label_en": "People living in the household",
                "page": "household",
                "min": 1,
                "max": 20,
            },
            {
                "key": "monthly_income",
                "type": "decimal",
                "label": "家庭月总收入（元）",
                "label_en": "Household income per month (yuan)",
                "page": "household",
                "min": 0,
                "max": 1000000,
            },
            {
                "key": "hardship",
                "type": "textarea",
                "label": "困难情况说明",
                "label_en": "Your circumstances",
                "page": "household",
                "max_length": 500,
                "required": False,
            },
            {
                "key": "bank_account",
                "type": "text",
                "label": "收款银行账号",
                "label_en": "Bank account for payments",
                "page": "contact",
                "pattern": r"\d{12,19}",
                "hint": "12至19位数字",
                "hint_en": "12 to 19 digits",
            },
            phone_field("contact"),
        ],
    },
    # 居住证申领 (公安局)
    "GA07002": {
        "subject": "person",
        "pages": [APPLICANT, {"key": "residence", "title": "居住信息", "title_en": "Residence"}, CONTACT],
        "fields": [
            {"key": "name", "element": "P.NAME", "page": "applicant"},
            {"key": "sex", "element": "P.SEX", "page": "applicant"},
            {"key": "ethnicity", "element": "P.ETHNICITY", "page": "applicant"},
            {"key": "birth_date", "element": "P.BIRTH_DATE", "page": "applicant"},
            {"key": "hukou_address", "element": "P.HUKOU_ADDRESS", "page": "applicant"},
            {
                "key": "residence_address",
                "type": "textarea",
                "label": "居住地址",
                "label_en": "Address where you live",
                "page": "residence",
                "max_length": 200,
            },
            {
                "key": "resident_since",
                "type": "date",
                "label": "居住起始日期",
                "label_en": "Living there since",
                "page": "residence",
            },
            {
                "key": "reason",
                "type": "choice",
                "label": "申领事由",
                "label_en": "Reason",
                "page": "residence",
                "choices": {"work": "就业", "study": "就读", "live": "居住"},
            },
            {
                "key": "employer",
                "type": "text",
                "label": "就业单位",
                "label_en": "Employer",
                "page": "residence",
                "max_length": 100,
                "visible_if": {"==": [{"var": "reason"}, "work"]},
            },
            {
                "key": "school",
                "type": "text",
                "label": "就读学校",
                "label_en": "School",
                "page": "residence",
                "max_length": 100,
                "visible_if": {"==": [{"var": "reason"}, "study"]},
            },
            phone_field("contact"),
        ],
    },
    # 食品经营许可 (市场监管局): an enterprise's application, filled in by its legal representative
    "SC01003": {
        "subject": "enterprise",
        "pages": [
            {"key": "entity", "title": "经营者信息", "title_en": "Business"},
            {"key": "premises", "title": "经营场所与项目", "title_en": "Premises and activities"},
            CONTACT,
        ],
        "fields": [
            {"key": "ent_name", "element": "E.NAME", "page": "entity"},
            {"key": "uscc", "element": "E.USCC", "page": "entity"},
            {"key": "kind", "element": "E.KIND", "page": "entity"},
            {"key": "legal_rep", "element": "E.LEGAL_REP_NAME", "page": "entity"},
            {"key": "address", "element": "E.ADDRESS", "page": "entity"},
            {"key": "status", "element": "E.STATUS", "page": "entity"},
            {
                "key": "premises",
                "type": "textarea",
                "label": "经营场所",
                "label_en": "Premises",
                "page": "premises",
                "max_length": 200,
            },
            {
                "key": "category",
                "type": "choice",
                "label": "主体业态",
                "label_en": "Kind of food business",
                "page": "premises",
                "choices": {"shop": "食品销售经营者", "restaurant": "餐饮服务经营者", "canteen": "单位食堂"},
            },
            {
                "key": "area",
                "type": "decimal",
                "label": "经营面积（平方米）",
                "label_en": "Floor area (m²)",
                "page": "premises",
                "min": 1,
                "max": 100000,
            },
            {
                "key": "cold_food",
                "type": "boolean",
                "label": "是否经营冷食类食品",
                "label_en": "Cold dishes served",
                "page": "premises",
                "visible_if": {"==": [{"var": "category"}, "restaurant"]},
            },
            {
                "key": "contact_name",
                "element": "P.NAME",
                "role": "agent",
                "page": "contact",
                "label": "联系人",
                "label_en": "Contact person",
            },
            phone_field("contact"),
        ],
    },
}

# Grants the departments hold for the conditional elements their forms read (approved by the 数据局).
FORM_GRANTS: tuple[tuple[str, list[str], str], ...] = (
    ("reviewer-ybj", ["P.HUKOU_ADDRESS"], "异地就医备案：预填申请人户籍地址"),
    ("reviewer-rsj", ["P.ETHNICITY", "P.HUKOU_ADDRESS"], "社会保障卡申领：预填民族和户籍地址"),
    ("reviewer-mzj", ["P.PROPERTY_COUNT"], "最低生活保障：核对家庭不动产"),
)

# The forms of the bundles' items that had none (一件事一次办: one application creates one draft per item).
FORMS.update(BUNDLE_FORMS)
