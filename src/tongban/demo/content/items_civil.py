"""Marriage, social assistance and school (结婚、社会救助、上学)."""

from __future__ import annotations

from tongban.catalog.schema import ItemSpec, MaterialSpec
from tongban.demo.content import places as P
from tongban.demo.content.common import (
    HOTLINE,
    PERSON,
    WINDOW_ONLINE,
    CaseType,
    HandlingForm,
    ItemType,
    OnlineDepth,
    limit,
)
from tongban.demo.content.departments import code_of, phone_of
from tongban.demo.content.materials import (
    APPLICANT,
    BOTH,
    DEFERRABLE,
    ELECTRONIC,
    LICENCE,
    OPTIONAL,
    PAPER,
    REQUIRED,
    SHARED,
    birth_certificate,
    form,
    household_register,
    id_card,
    pledge,
    property_certificate,
)

MARRIAGE_REGISTRATION = ItemSpec(
    basic_code="MZ07001",
    name="结婚登记",
    name_en="Marriage registration",
    item_type=ItemType.CONFIRMATION,
    department=code_of("mzj"),
    targets=PERSON,
    handling_forms=[HandlingForm.WINDOW],
    case_type=CaseType.IMMEDIATE,
    legal_limit=limit(0, note="符合结婚条件的，当场予以登记，发给结婚证"),
    promised_limit=limit(0),
    conditions=[
        "男女双方完全自愿，双方亲自到婚姻登记机关申请（不得委托代理）",
        "男方年满22周岁，女方年满20周岁",
        "双方均无配偶，且不属于直系血亲或者三代以内的旁系血亲",
        "内地居民结婚登记可在全国任一婚姻登记机关办理，无需提交户口簿",
    ],
    legal_basis=[
        "《中华人民共和国民法典》第一千零四十六条、第一千零四十七条、第一千零四十九条",
        "《婚姻登记条例》",
    ],
    places=[P.MARRIAGE_OFFICE],
    process=[
        "在线预约登记日期和时段（也可现场取号）",
        "双方持身份证件到婚姻登记中心，在登记员面前签署《申请结婚登记声明书》",
        "登记员审查，核对婚姻状况信息",
        "当场办理登记，颁发结婚证（可选择颁证仪式），同步生成结婚证电子证照",
    ],
    visits=1,
    online_depth=OnlineDepth.PRE_REVIEW,
    realname_level=2,
    life_events=["结婚"],
    keywords=["结婚证", "领证", "结婚", "扯证", "登记结婚", "结婚登记预约", "领结婚证"],
    summary=(
        "要求结婚的男女双方应当亲自到婚姻登记机关申请结婚登记。符合条件的当场登记、发给结婚证，免收费用。"
        "建议提前在线预约，减少现场等候。"
    ),
    materials=[
        id_card("男女双方", notes="双方本人有效居民身份证原件，现场核验"),
        MaterialSpec(
            name="双方近期半身免冠合影照片",
            originals=3,
            copies=0,
            form=PAPER,
            necessity=REQUIRED,
            issuer="申请人",
            source=APPLICANT,
            notes="2 寸红底合影 3 张；婚姻登记中心提供现场拍照服务",
            sample="结婚登记照片示例",
        ),
        form("申请结婚登记声明书", notes="在登记员面前由双方亲笔签署，不得代签", online=False),
    ],
    consult_phone=phone_of("mzj"),
    complaint_phone=HOTLINE,
    result="结婚证（双方各一本）及结婚证电子证照",
    delivery="当场颁发",
)

TEMPORARY_ASSISTANCE = ItemSpec(
    basic_code="MZ05001",
    name="临时救助",
    name_en="Temporary assistance for households in sudden hardship",
    item_type=ItemType.BENEFIT,
    department=code_of("mzj"),
    targets=PERSON,
    handling_forms=WINDOW_ONLINE,
    case_type=CaseType.COMMITTED,
    legal_limit=limit(20),
    promised_limit=limit(10, note="急难型临时救助实行“先行救助”，24小时内发放，事后补齐材料"),
    conditions=[
        "因火灾、交通事故等意外事件，家庭成员突发重大疾病等原因，导致基本生活暂时出现严重困难的家庭",
        "因生活必需支出突然增加超出家庭承受能力，导致基本生活暂时出现严重困难的最低生活保障家庭",
        "遭遇其他特殊困难的家庭或个人；在示范市遭遇困难的非本市户籍人员可向当地申请",
    ],
    legal_basis=[
        "《社会救助暂行办法》（国务院令第649号）第四十七条",
        "《国务院关于全面建立临时救助制度的通知》（国发〔2014〕47号）",
        "《示范市临时救助实施办法》",
    ],
    places=[P.STREET_CENTRES, P.online(phone=phone_of("mzj"))],
    process=[
        "向户籍地或居住地街道（乡镇）提出申请，也可由社区、村委会代为提出",
        "街道（乡镇）受理，通过居民家庭经济状况核对系统核对，必要时入户调查",
        "街道（乡镇）审核，在社区公示（急难型可先行救助后补公示）",
        "民政部门审批，救助金发放至申请人社会保障卡或银行账户",
    ],
    visits=0,
    online_depth=OnlineDepth.FULLY_ONLINE,
    realname_level=2,
    life_events=["社会保障"],
    keywords=["临时救助", "急难救助", "困难补助", "生活困难", "救助", "大病救助", "意外救助"],
    summary=(
        "对遭遇突发性、紧迫性、临时性生活困难的家庭或个人给予应急性、过渡性救助。"
        "急难型救助实行“先行救助”，不以户籍为限。"
    ),
    materials=[
        form("临时救助申请书"),
        id_card(),
        household_register(),
        MaterialSpec(
            name="家庭经济状况核对授权书",
            originals=1,
            copies=0,
            form=BOTH,
            necessity=REQUIRED,
            issuer="申请人及共同生活的家庭成员",
            source=APPLICANT,
            notes="共同生活的成年家庭成员均须签署（在线办理的以电子签名签署）",
            blank_form="居民家庭经济状况核对授权书",
        ),
        MaterialSpec(
            name="遭遇困难的相关证明",
            originals=1,
            copies=0,
            form=BOTH,
            necessity=DEFERRABLE,
            issuer="医疗机构 / 公安机关 / 应急管理部门等",
            source=APPLICANT,
            notes="如医疗费用票据、事故认定书、火灾证明等；急难型救助可容缺，事后 30 日内补齐",
        ),
    ],
    consult_phone=phone_of("mzj"),
    complaint_phone=HOTLINE,
    result="临时救助审批决定；救助金",
    delivery="救助金发放至社会保障卡或银行账户；短信通知",
)

MINIMUM_LIVING_ALLOWANCE = ItemSpec(
    basic_code="MZ05002",
    name="最低生活保障",
    name_en="Minimum living allowance (dibao)",
    item_type=ItemType.BENEFIT,
    department=code_of("mzj"),
    targets=PERSON,
    handling_forms=WINDOW_ONLINE,
    case_type=CaseType.COMMITTED,
    legal_limit=limit(30, note="特殊情况下可延长至45个工作日"),
    promised_limit=limit(20),
    conditions=[
        "共同生活的家庭成员人均收入低于示范市最低生活保障标准",
        "家庭财产状况符合示范市最低生活保障家庭财产状况规定",
        "申请人持有示范市户籍；在经常居住地居住一定期限的，可按规定在经常居住地申请",
    ],
    legal_basis=[
        "《社会救助暂行办法》（国务院令第649号）第九条至第十三条",
        "《最低生活保障审核确认办法》（民发〔2021〕57号）",
        "《示范市最低生活保障实施细则》",
    ],
    places=[P.STREET_CENTRES, P.online(phone=phone_of("mzj"))],
    process=[
        "以家庭为单位向户籍所在地街道（乡镇）提出书面申请，也可在线申请",
        "街道（乡镇）受理后开展家庭经济状况调查：信息核对、入户调查",
        "街道（乡镇）提出审核意见，在申请人所在社区（村）公示7天",
        "民政部门审核确认，作出决定；符合条件的自作出决定的当月发放最低生活保障金",
        "不符合条件的，书面告知并说明理由",
    ],
    visits=0,
    online_depth=OnlineDepth.FULLY_ONLINE,
    realname_level=2,
    life_events=["社会保障"],
    keywords=["低保", "低保申请", "最低生活保障", "吃低保", "低保金", "困难家庭", "生活困难"],
    summary=(
        "对共同生活的家庭成员人均收入低于当地最低生活保障标准、且财产状况符合规定的家庭，"
        "按月发放最低生活保障金。家庭经济状况通过信息核对获取，不再要求开具收入证明。"
    ),
    materials=[
        form("最低生活保障申请书"),
        id_card("共同生活的家庭成员"),
        household_register("共同生活的家庭成员"),
        MaterialSpec(
            name="家庭经济状况核对授权书",
            originals=1,
            copies=0,
            form=BOTH,
            necessity=REQUIRED,
            issuer="申请人及共同生活的家庭成员",
            source=APPLICANT,
            notes="共同生活的成年家庭成员均须签署",
            blank_form="居民家庭经济状况核对授权书",
        ),
        pledge(
            "家庭收入和财产状况申报及承诺书",
            notes="如实申报收入、存款、房产、车辆等；以承诺替代收入证明，由核对系统比对",
        ),
        MaterialSpec(
            name="残疾人证",
            originals=1,
            copies=0,
            form=BOTH,
            necessity=OPTIONAL,
            issuer="残疾人联合会",
            source=LICENCE,
            notes="家庭成员有重度残疾的，通过电子证照核验",
        ),
    ],
    consult_phone=phone_of("mzj"),
    complaint_phone=HOTLINE,
    result="最低生活保障审核确认决定；按月发放最低生活保障金",
    delivery="书面决定送达；保障金按月发放至社会保障卡",
)

SCHOOL_ENROLMENT = ItemSpec(
    basic_code="JY20001",
    name="义务教育阶段入学登记（小学一年级新生）",
    name_en="Enrolling a child in the first year of primary school",
    item_type=ItemType.PUBLIC_SERVICE,
    department=code_of("jyj"),
    targets=PERSON,
    handling_forms=WINDOW_ONLINE,
    case_type=CaseType.COMMITTED,
    legal_limit=limit(30, note="按年度招生工作时间安排执行"),
    promised_limit=limit(20, note="报名截止后20个工作日内公布学位安排"),
    conditions=[
        "当年8月31日前年满6周岁的适龄儿童",
        "本市户籍儿童按户籍和实际居住地在学区内就近入学",
        "随迁子女的父母一方持有示范市有效居住证，并在本市合法稳定就业或居住，由教育部门统筹安排学位",
    ],
    legal_basis=[
        "《中华人民共和国义务教育法》第十一条、第十二条",
        "《示范市义务教育学校招生入学工作实施意见》",
    ],
    places=[P.online(phone=phone_of("jyj")), P.SCHOOL_ENROLMENT],
    process=[
        "每年5月10日至5月31日在线报名，系统自动核验户籍、住房、居住证信息",
        "信息核验不一致的，到学区学校报名点现场核验",
        "教育部门按学区划分安排学位",
        "公布学位安排结果，发送入学通知",
    ],
    visits=0,
    online_depth=OnlineDepth.FULLY_ONLINE,
    realname_level=2,
    life_events=["上学"],
    keywords=["入学", "小学报名", "一年级报名", "上学", "学位", "划片", "小学入学", "幼升小"],
    summary=(
        "适龄儿童的父母在线为其登记小学一年级入学，户籍、房产、居住证等信息由部门共享核验，多数家庭无需到学校现场审核。"
    ),
    materials=[
        form("义务教育阶段新生入学登记表"),
        birth_certificate(notes="适龄儿童的出生医学证明电子证照"),
        household_register("适龄儿童及父母", notes="户籍信息共享核验"),
        property_certificate(
            necessity=OPTIONAL,
            notes="以学区内住房登记入学的，房产信息由不动产登记簿共享；租住的由租赁备案信息共享",
        ),
        MaterialSpec(
            name="父母一方示范市居住证",
            originals=1,
            copies=0,
            form=ELECTRONIC,
            necessity=OPTIONAL,
            issuer="公安机关",
            source=SHARED,
            notes="随迁子女入学的提供，居住证信息共享核验",
        ),
        MaterialSpec(
            name="预防接种证查验证明",
            originals=1,
            copies=0,
            form=ELECTRONIC,
            necessity=DEFERRABLE,
            issuer="接种单位",
            source=SHARED,
            notes="由免疫规划信息系统共享；入学后补查验的可容缺",
        ),
    ],
    consult_phone=phone_of("jyj"),
    complaint_phone=HOTLINE,
    result="小学一年级学位安排及入学通知书",
    delivery="在线查询；短信通知",
)

ITEMS: list[ItemSpec] = [
    MARRIAGE_REGISTRATION,
    TEMPORARY_ASSISTANCE,
    MINIMUM_LIVING_ALLOWANCE,
    SCHOOL_ENROLMENT,
]
