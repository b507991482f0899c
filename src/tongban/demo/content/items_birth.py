"""Birth and having children (出生、生育): the items of the newborn bundle (DESIGN §5) and birth registration."""

from __future__ import annotations

from tongban.catalog.schema import ItemSpec, MaterialSpec
from tongban.demo.content import places as P
from tongban.demo.content.common import (
    HOTLINE,
    PERSON,
    WINDOW_ONLINE,
    WINDOW_ONLINE_POST,
    CaseType,
    HandlingForm,
    ItemType,
    OnlineDepth,
    Z,
    limit,
)
from tongban.demo.content.departments import code_of, phone_of
from tongban.demo.content.materials import (
    APPLICANT,
    BOTH,
    ELECTRONIC,
    INTERNAL,
    OPTIONAL,
    REQUIRED,
    SHARED,
    birth_certificate,
    form,
    household_register,
    id_card,
    marriage_certificate,
    photo,
    power_of_attorney,
)

BIRTH_CERTIFICATE = ItemSpec(
    basic_code="WJ20001",
    name="出生医学证明签发",
    name_en="Issuing the medical birth certificate",
    item_type=ItemType.PUBLIC_SERVICE,
    department=code_of("wjw"),
    targets=PERSON,
    handling_forms=[HandlingForm.WINDOW, HandlingForm.ONLINE],
    case_type=CaseType.IMMEDIATE,
    legal_limit=limit(5, note="新生儿出院前完成首次签发"),
    promised_limit=limit(0, note="信息核对无误的，当场签发"),
    conditions=[
        "新生儿在示范市依法取得《医疗机构执业许可证》并开展助产技术服务的医疗机构内出生",
        "由新生儿父母或者其他监护人申请，父母身份信息能够核实",
        "新生儿姓名已确定；首次签发时须填写新生儿姓名，签发后原则上不予更改",
        "在医疗机构外出生的，须经出生医学证明签发机构进行亲子鉴定等出生事实核查后方可签发",
    ],
    legal_basis=[
        "《中华人民共和国母婴保健法》第二十三条",
        "《中华人民共和国母婴保健法实施办法》",
        "《国家卫生计生委 公安部关于启用和规范管理新版〈出生医学证明〉的通知》（国卫妇幼发〔2013〕52号）",
        "《示范省出生医学证明管理办法》",
    ],
    places=[P.MATERNITY_HOSPITAL, P.PEOPLES_HOSPITAL, P.online(phone=phone_of("wjw"))],
    process=[
        "产妇住院分娩后，助产机构一次告知办理要求，父母可在“示范通”App 或网页版在线填写首次签发登记信息",
        "父母双方（或一方持另一方身份证件）到助产机构出生医学证明办理处确认信息",
        "助产机构核对分娩记录、新生儿信息和父母身份信息",
        "签发《出生医学证明》纸质证件，同步生成出生医学证明电子证照",
        "申请人当场领取证件并核对；电子证照自动推送至父母“我的证照”",
    ],
    visits=1,
    online_depth=OnlineDepth.PRE_REVIEW,
    realname_level=2,
    life_events=["出生", "生育"],
    keywords=["出生证", "出生证明", "出生医学证明", "生孩子", "新生儿", "宝宝出生", "办出生证"],
    summary=(
        "《出生医学证明》是新生儿的第一份法定证件，用于办理户口登记、医保参保、社保卡申领等后续事项。"
        "在本市助产机构出生的新生儿，出院前由助产机构免费签发，同步生成电子证照，后续事项免于提交纸质件。"
    ),
    materials=[
        form("出生医学证明首次签发登记表", issuer="申请人（新生儿父母或监护人）"),
        id_card("新生儿父母双方", notes="父母一方为外籍的，提供有效护照；港澳台居民提供居住证或通行证"),
        MaterialSpec(
            name="新生儿住院分娩记录",
            originals=1,
            copies=0,
            form=ELECTRONIC,
            necessity=REQUIRED,
            issuer="助产机构",
            source=INTERNAL,
            notes="由助产机构从住院病历系统调取，申请人无需提交",
        ),
        marriage_certificate(
            necessity=OPTIONAL,
            notes="不作为签发条件；父母已登记结婚的可一并核对父亲信息，未登记结婚的父亲信息可依法另行补填",
        ),
        power_of_attorney(notes="父母均无法到场的，由其他监护人持委托书办理"),
    ],
    consult_phone=phone_of("wjw"),
    complaint_phone=HOTLINE,
    result="《出生医学证明》（纸质证件及电子证照）",
    delivery="当场领取纸质证件；电子证照推送至“我的证照”",
)

BIRTH_HUKOU = ItemSpec(
    basic_code="GA07001",
    name="出生户口登记",
    name_en="Registering a newborn's household registration (hukou)",
    item_type=ItemType.CONFIRMATION,
    department=code_of("gaj"),
    targets=PERSON,
    handling_forms=WINDOW_ONLINE_POST,
    case_type=CaseType.IMMEDIATE,
    legal_limit=limit(20),
    promised_limit=limit(0, note="材料齐全的当场办结；网上申请的1个工作日内审核，户口页免费邮寄"),
    conditions=[
        "新生儿父母一方或者双方为示范市常住户口",
        "新生儿可以随父或者随母登记户口，在父亲或者母亲的户口所在地申报",
        "应当在婴儿出生后一个月以内申报出生登记；超过一个月的仍可办理，须书面说明原因",
        "非婚生育的子女，凭《出生医学证明》和父（母）一方的居民户口簿办理，不以结婚证为前提",
    ],
    legal_basis=[
        "《中华人民共和国户口登记条例》第七条",
        "《国务院办公厅关于解决无户口人员登记户口问题的意见》（国办发〔2015〕96号）",
        "《示范省常住户口登记管理规定》",
    ],
    places=[P.centre("police", phone=phone_of("gaj")), P.POLICE_STATIONS, P.online(phone=phone_of("gaj"))],
    process=[
        "申请人通过平台在线申报（可随“新生儿出生一件事”一并申请）或到派出所户籍室、政务服务中心公安户政窗口申报",
        "户籍民警核验《出生医学证明》电子证照和父母户籍信息",
        "录入新生儿常住人口信息，编制公民身份号码",
        "打印新生儿户口页并加盖户口专用章",
        "当场领取，或选择邮寄送达（免费）；新生儿户籍信息同步至人口库",
    ],
    visits=0,
    online_depth=OnlineDepth.FULLY_ONLINE,
    realname_level=2,
    life_events=["出生", "户籍"],
    keywords=["上户口", "报户口", "落户", "新生儿落户", "出生登记", "户口登记", "宝宝上户口", "新生儿户口"],
    summary=(
        "新生儿出生后一个月内，父母凭《出生医学证明》为其申报常住户口，可以随父或者随母落户。"
        "本市已实现网上申报、户口页免费邮寄，无需到派出所。"
    ),
    materials=[
        form("出生登记申报表"),
        birth_certificate(),
        id_card("新生儿父母双方"),
        household_register(
            "落户方（父或母）",
            notes="本市户籍信息由人口库共享，无需提交户口簿；户口簿需加页的，邮寄户口页时一并换发",
        ),
        marriage_certificate(necessity=OPTIONAL, notes="父母已登记结婚的通过电子证照核验；非婚生育的无需提供"),
        MaterialSpec(
            name="逾期申报情况说明",
            originals=1,
            copies=0,
            form=BOTH,
            necessity=OPTIONAL,
            issuer="申请人",
            source=APPLICANT,
            notes="出生超过一个月申报的提供，写明未及时申报的原因",
            blank_form="逾期申报出生登记情况说明",
        ),
        power_of_attorney(),
    ],
    consult_phone=phone_of("gaj"),
    complaint_phone=HOTLINE,
    result="居民户口簿（新生儿户口页）；公民身份号码",
    delivery="窗口领取，或免费邮寄送达",
)

RESIDENT_MEDICAL_INSURANCE = ItemSpec(
    basic_code="YB20001",
    name="城乡居民基本医疗保险参保登记",
    name_en="Enrolling in basic medical insurance for urban and rural residents",
    item_type=ItemType.PUBLIC_SERVICE,
    department=code_of("ybj"),
    targets=PERSON,
    handling_forms=WINDOW_ONLINE,
    case_type=CaseType.IMMEDIATE,
    legal_limit=limit(5),
    promised_limit=limit(0),
    conditions=[
        "具有示范市户籍，或者持有示范市居住证，且未参加职工基本医疗保险的城乡居民（含学生、儿童、新生儿）",
        "新生儿在出生后 90 天内办理参保登记并缴费的，自出生之日起享受城乡居民医保待遇",
        "同一时期不得重复参加基本医疗保险",
    ],
    legal_basis=[
        "《中华人民共和国社会保险法》第二十五条",
        "《国务院关于整合城乡居民基本医疗保险制度的意见》（国发〔2016〕3号）",
        "《示范市城乡居民基本医疗保险办法》",
    ],
    places=[P.centre("social", phone=phone_of("ybj")), P.STREET_CENTRES, P.online(phone=phone_of("ybj"))],
    process=[
        "在线或到窗口提交参保登记申请（新生儿可随“新生儿出生一件事”一并申请）",
        "医保经办机构核验身份、户籍或居住证信息及重复参保情况",
        "完成参保登记，个人缴费信息推送至税务部门",
        "参保人通过税务缴费渠道按年度标准缴纳个人缴费，缴费后享受待遇",
    ],
    visits=0,
    online_depth=OnlineDepth.FULLY_ONLINE,
    realname_level=2,
    life_events=["出生", "社会保障", "就医"],
    keywords=["医保", "居民医保", "医保参保", "新生儿医保", "城乡居民医保", "少儿医保", "办医保", "医疗保险"],
    summary=(
        "未参加职工医保的城乡居民（含新生儿、学生）参加城乡居民基本医疗保险的登记。"
        "个人缴费按示范市当年度公布的标准，通过税务部门缴费渠道缴纳。"
    ),
    materials=[
        form("城乡居民基本医疗保险参保登记表"),
        id_card(notes="新生儿尚无身份证的，以户口登记信息或《出生医学证明》电子证照办理"),
        household_register(necessity=OPTIONAL, notes="本市户籍的由人口库共享获取，无需提交"),
        birth_certificate(necessity=OPTIONAL, notes="新生儿参保时调用，无需提交"),
        MaterialSpec(
            name="示范市居住证",
            originals=1,
            copies=0,
            form=BOTH,
            necessity=OPTIONAL,
            issuer="公安机关",
            source=SHARED,
            notes="非本市户籍人员提供；居住证信息由公安部门共享获取",
        ),
    ],
    consult_phone=phone_of("ybj"),
    complaint_phone=HOTLINE,
    result="城乡居民基本医疗保险参保登记信息",
    delivery="办理结果在线查询；短信通知",
)

SOCIAL_SECURITY_CARD = ItemSpec(
    basic_code="RS20001",
    name="社会保障卡申领",
    name_en="Applying for a social security card",
    item_type=ItemType.PUBLIC_SERVICE,
    department=code_of("rsj"),
    targets=PERSON,
    handling_forms=WINDOW_ONLINE_POST,
    case_type=CaseType.COMMITTED,
    legal_limit=limit(20),
    promised_limit=limit(10, note="网上申领的制卡后邮寄；到即时制卡网点办理的，当场领卡"),
    conditions=[
        "在示范市参加社会保险，或者在示范市办理新生儿出生登记、拟参加社会保险的人员",
        "未持有有效的全国统一社会保障卡，或者原卡已挂失、注销",
        "未满 16 周岁的，由监护人代为申领",
    ],
    legal_basis=[
        "《中华人民共和国社会保险法》第五十八条",
        "《示范市社会保障卡管理办法》",
    ],
    places=[
        P.centre("social", phone=phone_of("rsj")),
        P.place(
            "社会保障卡即时制卡网点（合作银行营业网点）",
            "网点名单见“示范市人社”公众号",
            "周一至周五 9:00-17:00",
            phone_of("rsj"),
        ),
        P.online(phone=phone_of("rsj")),
    ],
    process=[
        "在线提交申领信息并上传照片，或到即时制卡网点现场申领",
        "人社部门核验身份信息和参保信息，同步开通电子社保卡",
        "合作银行开通社会保障卡金融账户（申请人可选择银行）",
        "制卡完成后邮寄送达或到网点领取，首次使用前激活并设置密码",
    ],
    visits=0,
    online_depth=OnlineDepth.FULLY_ONLINE,
    realname_level=2,
    life_events=["出生", "社会保障", "就医"],
    keywords=["社保卡", "社会保障卡", "办社保卡", "电子社保卡", "新生儿社保卡", "医保卡", "三代社保卡"],
    summary=(
        "社会保障卡是参保人享受社会保险待遇、看病就医结算、领取惠民惠农补贴的凭证。"
        "首次申领免费；网上申领的免费邮寄，到即时制卡网点办理的当场领卡。"
    ),
    materials=[
        form("社会保障卡申领登记表"),
        id_card(notes="新生儿尚未办理身份证的，凭户口登记信息申领，由监护人代办"),
        photo(notes="白色背景，358×441 像素；新生儿照片可由监护人拍摄上传，平台提供照片合格性自动检测"),
        id_card("监护人", necessity=OPTIONAL, notes="未满 16 周岁的申请人由监护人代办时调用"),
    ],
    consult_phone=phone_of("rsj"),
    complaint_phone=HOTLINE,
    result="社会保障卡（含金融功能）及电子社会保障卡",
    delivery="免费邮寄送达或网点领取；电子社保卡即时可用",
)

VACCINATION_CERTIFICATE = ItemSpec(
    basic_code="WJ20002",
    name="预防接种证办理",
    name_en="Issuing the child vaccination certificate",
    item_type=ItemType.PUBLIC_SERVICE,
    department=code_of("wjw"),
    targets=PERSON,
    handling_forms=[HandlingForm.WINDOW],
    case_type=CaseType.IMMEDIATE,
    legal_limit=limit(30, Z, note="儿童出生后一个月内办理"),
    promised_limit=limit(0),
    conditions=[
        "在示范市居住的适龄儿童，在出生后一个月内由监护人办理",
        "在本市出生医院已建立预防接种档案的，到居住地接种单位办理接种证",
        "接种证遗失的，由原接种单位根据接种档案补发",
    ],
    legal_basis=[
        "《中华人民共和国疫苗管理法》第四十七条",
        "《预防接种工作规范》",
    ],
    places=[P.VACCINATION_CLINICS, P.MATERNITY_HOSPITAL],
    process=[
        "监护人可在平台预约接种门诊的办理时段（可随“新生儿出生一件事”一并预约）",
        "携带儿童到居住地社区卫生服务中心预防接种门诊",
        "接种单位核对出生医院的乙肝疫苗、卡介苗首针接种记录，建立或迁入预防接种档案",
        "发放《预防接种证》，告知后续免疫规划疫苗接种时间",
    ],
    visits=1,
    online_depth=OnlineDepth.PRE_REVIEW,
    realname_level=2,
    life_events=["出生"],
    keywords=["接种证", "预防接种证", "打疫苗", "疫苗本", "打预防针", "宝宝疫苗", "疫苗接种"],
    summary=(
        "国家对儿童实行预防接种证制度。儿童出生后一个月内，监护人到居住地接种单位或出生医院为其办理预防接种证，"
        "凭证接种免疫规划疫苗，入托、入学时需查验接种证。"
    ),
    materials=[
        birth_certificate(),
        id_card("监护人"),
        MaterialSpec(
            name="新生儿首针乙肝疫苗和卡介苗接种记录",
            originals=1,
            copies=0,
            form=ELECTRONIC,
            necessity=REQUIRED,
            issuer="出生医院",
            source=INTERNAL,
            notes="由免疫规划信息系统调取，监护人无需提交；出院小结上有记录的可一并出示",
        ),
    ],
    consult_phone=phone_of("wjw"),
    complaint_phone=HOTLINE,
    result="《预防接种证》",
    delivery="当场领取",
)

BIRTH_REGISTRATION = ItemSpec(
    basic_code="WJ20003",
    name="生育登记",
    name_en="Birth planning registration",
    item_type=ItemType.PUBLIC_SERVICE,
    department=code_of("wjw"),
    targets=PERSON,
    handling_forms=WINDOW_ONLINE,
    case_type=CaseType.IMMEDIATE,
    legal_limit=limit(5),
    promised_limit=limit(0, note="网上申请的实时办结"),
    conditions=[
        "依法登记结婚的夫妻生育子女（不限孩次），可在孕前、孕期或者子女出生后办理",
        "夫妻一方户籍在示范市，或者一方持示范市居住证",
    ],
    legal_basis=[
        "《中华人民共和国人口与计划生育法》第十八条",
        "《示范省人口与计划生育条例》",
    ],
    places=[P.online(phone=phone_of("wjw")), P.STREET_CENTRES],
    process=[
        "夫妻一方在线填写生育登记信息（可在孕前、孕期办理）",
        "系统核验夫妻双方身份和婚姻登记信息",
        "实时生成电子《生育登记服务单》，并推送孕产期保健和生育支持政策",
    ],
    visits=0,
    online_depth=OnlineDepth.FULLY_ONLINE,
    realname_level=2,
    life_events=["生育", "出生"],
    keywords=["生育登记", "准生证", "生育服务证", "怀孕登记", "二胎", "三胎", "生孩子", "备孕"],
    summary=(
        "生育登记不设前置审批，只作服务登记，用于提供孕产期保健和生育支持服务；"
        "登记信息共享给医保、人社部门，办理生育津贴等事项时免于提交。"
    ),
    materials=[
        form("生育登记服务表"),
        id_card("夫妻双方"),
        marriage_certificate(),
    ],
    consult_phone=phone_of("wjw"),
    complaint_phone=HOTLINE,
    result="《生育登记服务单》（电子）",
    delivery="在线下载；短信通知",
)

ITEMS: list[ItemSpec] = [
    BIRTH_CERTIFICATE,
    BIRTH_HUKOU,
    RESIDENT_MEDICAL_INSURANCE,
    SOCIAL_SECURITY_CARD,
    VACCINATION_CERTIFICATE,
    BIRTH_REGISTRATION,
]
