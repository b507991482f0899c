"""The demo city's 一件事一次办 bundles (issue 7 part 5), as the bundles app's spec: items by basic code, the
order in which results are needed (and what they carry downstream), and the 情形 questions that choose the
items and materials. The reduction figures are computed from the guides and forms, never written here.
"""

from __future__ import annotations

from typing import Any

# The licence catalogue's codes (licences_data, loaded before the bundles).
BUSINESS_LICENCE = "119900000000000SC0001"
BIRTH_MEDICAL_CERTIFICATE = "119900000000000WJ0001"
REAL_ESTATE_CERTIFICATE = "119900000000000ZR0001"
INDUSTRY_COMBINED_PERMIT = "119900000000000SC0003"

_BUSINESS_FIELDS = ["E.NAME", "E.USCC", "E.KIND", "E.LEGAL_REP_NAME", "E.ADDRESS", "E.STATUS"]


def _yes_no(key: str, text: str, text_en: str, yes: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "key": key,
        "text": text,
        "text_en": text_en,
        "options": [
            {"key": "yes", "label": "是", "label_en": "Yes", "items": yes},
            {"key": "no", "label": "否", "label_en": "No"},
        ],
        **extra,
    }


NEWBORN: dict[str, Any] = {
    "code": "newborn",
    "name": "新生儿出生一件事",
    "name_en": "A baby is born",
    "description": "出生医学证明、出生户口登记、城乡居民医保参保、社会保障卡申领和预防接种证一次申请："
    "出生医学证明电子证照签发后自动流转，户口登记、医保参保无需再提交出生证明。",
    "description_en": "The birth certificate, the newborn's hukou, medical insurance, the social security card and "
    "the vaccination certificate in one application; the certificate flows on to the later items.",
    "kind": "life_event",
    "life_event": "出生",
    "items": [
        {"key": "birth_certificate", "item": "WJ20001", "core": True},
        {"key": "hukou", "item": "GA07001"},
        {"key": "medical_insurance", "item": "YB20001", "core": True},
        {"key": "social_card", "item": "RS20001"},
        {"key": "vaccination", "item": "WJ20002", "core": True},
    ],
    "edges": [
        {"upstream": "birth_certificate", "downstream": "hukou", "licence": BIRTH_MEDICAL_CERTIFICATE,
         "materials": ["《出生医学证明》"]},
        {"upstream": "hukou", "downstream": "medical_insurance", "elements": ["P.HUKOU_ADDRESS"],
         "materials": ["申请人居民户口簿"]},
        {"upstream": "birth_certificate", "downstream": "medical_insurance", "licence": BIRTH_MEDICAL_CERTIFICATE,
         "materials": ["《出生医学证明》"]},
        {"upstream": "medical_insurance", "downstream": "social_card"},
        {"upstream": "birth_certificate", "downstream": "vaccination", "licence": BIRTH_MEDICAL_CERTIFICATE,
         "materials": ["《出生医学证明》"]},
    ],
    "questions": [
        _yes_no("hukou_here", "新生儿父母一方是否为示范市常住户口？", "Is either parent's hukou in the city?",
                ["hukou"]),
        _yes_no("social_card", "是否同时为新生儿申领社会保障卡？", "Apply for the baby's social security card too?",
                ["social_card"]),
        {"key": "photo", "text": "是否已准备好新生儿证件照？", "text_en": "Do you have the baby's photo?",
         "requires": "social_card.yes",
         "options": [
             {"key": "upload", "label": "已准备，在线上传", "label_en": "Yes, I upload it",
              "materials": [{"item": "social_card", "material": "近期正面免冠彩色证件照"}]},
             {"key": "window", "label": "到网点免费现场拍摄", "label_en": "No, taken at the service point"},
         ]},
    ],
}  # fmt: skip

RESTAURANT: dict[str, Any] = {
    "code": "restaurant",
    "name": "开办餐饮店一件事",
    "name_en": "Opening a restaurant",
    "description": "营业执照、食品经营许可、公共场所卫生许可和户外招牌设置一次申请、一窗受理；"
    "各项许可结果合并为一张《行业综合许可证》（一业一证）。",
    "description_en": "Business registration, the food business licence, the public-place hygiene licence and the "
    "shop sign in one application at one window; the permits become one combined licence.",
    "kind": "business",
    "life_event": "开办企业",
    "combined_licence": INDUSTRY_COMBINED_PERMIT,  # 一业一证: the permits as one licence
    "items": [
        {"key": "company", "item": "SC01001"},
        {"key": "sole_trader", "item": "SC01002"},
        {"key": "food_licence", "item": "SC01003", "core": True},
        {"key": "hygiene_licence", "item": "WJ01001"},
        {"key": "shop_sign", "item": "CG01001"},
    ],
    "edges": [
        {"upstream": "company", "downstream": "food_licence", "elements": _BUSINESS_FIELDS,
         "licence": BUSINESS_LICENCE, "materials": ["营业执照"]},
        {"upstream": "sole_trader", "downstream": "food_licence", "elements": _BUSINESS_FIELDS,
         "licence": BUSINESS_LICENCE, "materials": ["营业执照"]},
        {"upstream": "company", "downstream": "hygiene_licence", "licence": BUSINESS_LICENCE,
         "materials": ["营业执照"]},
        {"upstream": "sole_trader", "downstream": "hygiene_licence", "licence": BUSINESS_LICENCE,
         "materials": ["营业执照"]},
        {"upstream": "company", "downstream": "shop_sign", "licence": BUSINESS_LICENCE, "materials": ["营业执照"]},
        {"upstream": "sole_trader", "downstream": "shop_sign", "licence": BUSINESS_LICENCE,
         "materials": ["营业执照"]},
    ],
    "questions": [
        {"key": "form", "text": "以什么形式开办？", "text_en": "In what form do you open it?",
         "options": [
             {"key": "company", "label": "开办公司（有限责任公司）", "label_en": "A limited company",
              "items": ["company"]},
             {"key": "sole_trader", "label": "个体工商户", "label_en": "A sole trader", "items": ["sole_trader"]},
             {"key": "registered", "label": "已领取营业执照", "label_en": "Already registered"},
         ]},
        _yes_no("public_place", "店内是否设有茶座、酒吧或咖啡馆等需卫生许可的公共场所？",
                "Is there a tea room, bar or café that needs a hygiene licence?", ["hygiene_licence"]),
        _yes_no("sign", "是否在建筑物外墙设置户外招牌？", "Will you put up a sign on the outside wall?", ["shop_sign"]),
    ],
}  # fmt: skip

RETIREMENT: dict[str, Any] = {
    "code": "retirement",
    "name": "退休一件事",
    "name_en": "Retiring",
    "description": "退休审批、基本养老金核定、职工医保退休人员待遇核定和住房公积金退休提取一次申请；"
    "退休审批结果由人社部门共享，后续事项无需再提交退休证明。",
    "description_en": "Retirement approval, the pension, the retiree's medical insurance and the provident fund "
    "withdrawal in one application; the approval is shared with the later items.",
    "kind": "life_event",
    "life_event": "退休",
    "items": [
        {"key": "retirement", "item": "RS05001", "core": True},
        {"key": "pension", "item": "RS07001", "core": True},
        {"key": "medical", "item": "YB07001"},
        {"key": "fund", "item": "GJ20004"},
    ],
    "edges": [
        {"upstream": "retirement", "downstream": "pension"},
        {"upstream": "retirement", "downstream": "medical", "materials": ["退休审批结果"]},
        {"upstream": "retirement", "downstream": "fund", "materials": ["退休审批结果"]},
    ],
    "questions": [
        _yes_no("medical", "退休前是否参加示范市职工基本医疗保险？",
                "Were you in the city's employee medical insurance?", ["medical"]),
        _yes_no("fund", "是否缴存了住房公积金并希望退休时一次提取？",
                "Do you have a provident fund account to withdraw?", ["fund"]),
    ],
}  # fmt: skip

HOME_TRANSFER: dict[str, Any] = {
    "code": "home-transfer",
    "name": "二手房转移登记及水电气过户一件事",
    "name_en": "Buying a second-hand home: the title and the utilities",
    "description": "存量房转移登记与用水、用电、燃气过户一次申请，可一并申请住房公积金购房提取；"
    "不动产登记完成后，供水、供电、供气单位共享登记结果自动办理过户。",
    "description_en": "The title transfer of a second-hand home and the water, power and gas accounts in one "
    "application, with the provident fund withdrawal if wanted.",
    "kind": "life_event",
    "life_event": "住房",
    "items": [
        {"key": "transfer", "item": "ZR07001", "core": True},
        {"key": "water", "item": "SW20001"},
        {"key": "power", "item": "GD20001"},
        {"key": "gas", "item": "RQ20001"},
        {"key": "fund", "item": "GJ20001"},
    ],
    "edges": [
        {"upstream": "transfer", "downstream": key, "licence": REAL_ESTATE_CERTIFICATE,
         "materials": ["不动产权证书（或房屋所有权证）"]}
        for key in ("water", "power", "gas")
    ] + [
        {"upstream": "transfer", "downstream": "fund", "licence": REAL_ESTATE_CERTIFICATE,
         "materials": ["购房证明（不动产权证书或网签备案的购房合同）"]},
    ],
    "questions": [
        {"key": "utilities", "text": "需要一并办理哪些过户？（可多选）", "multiple": True,
         "text_en": "Which accounts move with the home?",
         "options": [
             {"key": "water", "label": "用水", "label_en": "Water", "items": ["water"]},
             {"key": "power", "label": "用电", "label_en": "Power", "items": ["power"]},
             {"key": "gas", "label": "燃气", "label_en": "Gas", "items": ["gas"]},
         ]},
        _yes_no("fund", "是否提取住房公积金用于购房？", "Withdraw provident fund for the purchase?", ["fund"]),
    ],
}  # fmt: skip

HIRING: dict[str, Any] = {
    "code": "hiring",
    "name": "员工录用一件事",
    "name_en": "Hiring an employee",
    "description": "用人单位录用职工时，社会保险增员、就业登记和住房公积金个人账户设立一次申报；"
    "参保登记完成后就业登记自动办结。",
    "description_en": "Social insurance, employment registration and the provident fund account of a new employee "
    "declared once by the employer.",
    "kind": "business",
    "life_event": "就业",
    "items": [
        {"key": "insurance", "item": "RS20006", "core": True},
        {"key": "employment", "item": "RS20002", "core": True},
        {"key": "fund", "item": "GJ20003"},
    ],
    "edges": [{"upstream": "insurance", "downstream": "employment", "materials": ["劳动合同或营业执照"]}],
    "questions": [
        _yes_no("fund", "单位是否已办理住房公积金单位缴存登记？", "Does the employer pay into the provident fund?",
                ["fund"]),
    ],
}  # fmt: skip

BUNDLES: tuple[dict[str, Any], ...] = (NEWBORN, RESTAURANT, RETIREMENT, HOME_TRANSFER, HIRING)
