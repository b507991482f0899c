"""Where people go: the city service centre (zones and windows), hospitals, stations and counters."""

from __future__ import annotations

from tongban.catalog.schema import PlaceSpec
from tongban.demo.content.departments import AREA_CODE

CENTRE = "示范市政务服务中心"
CENTRE_ADDRESS = "示范市明德区市民大道88号"
CENTRE_PHONE = f"{AREA_CODE}-66800088"

WEEKDAYS = "周一至周五 9:00-12:00，13:30-17:00（法定节假日除外）"
WEEKDAYS_AND_SATURDAY = "周一至周五 9:00-12:00，13:30-17:00；周六 9:00-12:00 延时服务（法定节假日除外）"
WEEKDAYS_SUMMER = "周一至周五 8:30-12:00，14:30-17:30（7月1日至9月30日）；其余时间 8:30-12:00，14:00-17:00"
EVERY_DAY = "周一至周日 8:00-12:00，14:00-17:30（节假日照常）"
ONLINE = "网上办理 7×24 小时（系统维护时段除外）"

# Zones of the service centre: (floor and zone, windows, what is there).
ZONES = {
    "comprehensive": ("一楼 A 区", "1-12 号", "综合受理（一窗受理）"),
    "police": ("一楼 B 区", "13-18 号", "公安户政"),
    "social": ("一楼 C 区", "19-30 号", "人社医保"),
    "business": ("二楼 D 区", "31-36 号", "企业开办专区"),
    "construction": ("二楼 E 区", "41-48 号", "工程建设项目审批"),
    "property": ("三楼 F 区", "49-62 号", "不动产登记与税费联办"),
    "utilities": ("三楼 G 区", "63-66 号", "水电气公用事业联办"),
    "fund": ("二楼 H 区", "67-72 号", "住房公积金"),
    "permits": ("二楼 D 区", "37-40 号", "经营许可"),
}


def centre(zone: str, *, phone: str = "", hours: str = WEEKDAYS_AND_SATURDAY) -> PlaceSpec:
    floor, windows, label = ZONES[zone]
    return PlaceSpec(
        name=f"{CENTRE}{floor}{label}窗口（{windows}）",
        address=CENTRE_ADDRESS,
        hours=hours,
        phone=phone or CENTRE_PHONE,
    )


def online(*, phone: str = "") -> PlaceSpec:
    return PlaceSpec(
        name="示范市一体化在线政务服务平台（通办）及“示范通”移动端",
        address="通办网页版（首页“我要办”）及“示范通”App，无需到现场",
        hours=ONLINE,
        phone=phone or "12345",
    )


def place(name: str, address: str, hours: str, phone: str) -> PlaceSpec:
    return PlaceSpec(name=name, address=address, hours=hours, phone=phone)


MATERNITY_HOSPITAL = place(
    "示范市妇幼保健院住院部一楼出生医学证明办理处",
    "示范市清源区健康路12号",
    "周一至周日 8:00-12:00，14:00-17:30",
    f"{AREA_CODE}-66125678",
)
PEOPLES_HOSPITAL = place(
    "示范市第一人民医院产科护士站（出生医学证明签发点）",
    "示范市明德区解放西路31号",
    "周一至周五 8:00-12:00，14:00-17:30",
    f"{AREA_CODE}-66127788",
)
POLICE_STATIONS = place(
    "户籍所在地公安派出所户籍室（全市 38 个派出所均可办理）",
    "地址见“示范市公安局”官网“派出所查询”",
    "周一至周五 9:00-12:00，13:30-17:00；周六上午 9:00-12:00",
    f"{AREA_CODE}-66110110",
)
STREET_CENTRES = place(
    "户籍所在地或居住地街道（乡镇）便民服务中心社会事务窗口",
    "各街道（乡镇）便民服务中心，地址见“街道便民服务中心名录”",
    WEEKDAYS,
    f"{AREA_CODE}-66502020",
)
MARRIAGE_OFFICE = place(
    "示范市婚姻登记中心（一楼结婚登记大厅）",
    "示范市明德区文昌路16号",
    "周一至周五 9:00-12:00，13:30-17:00；5月20日、七夕等特殊日期延长服务时间，以当期公告为准",
    f"{AREA_CODE}-66503521",
)
VACCINATION_CLINICS = place(
    "居住地社区卫生服务中心预防接种门诊",
    "各社区卫生服务中心，地址见“示范市预防接种门诊名录”",
    "周二、周四、周六 8:00-11:30（法定节假日除外）",
    f"{AREA_CODE}-66120120",
)
WATER_HALL = place(
    "示范市水务集团营业厅（滨河路）",
    "示范市清源区滨河路18号",
    "周一至周六 8:30-17:30",
    f"{AREA_CODE}-66996000",
)
POWER_HALL = place(
    "示范市供电有限公司凤栖供电营业厅",
    "示范市凤栖区凤栖大道58号",
    "周一至周日 8:30-17:30",
    f"{AREA_CODE}-66995598",
)
GAS_HALL = place(
    "示范市燃气集团客户服务中心",
    "示范市新港区望海路6号",
    "周一至周六 8:30-17:00",
    f"{AREA_CODE}-66997700",
)
TAX_HALL = place(
    "国家税务总局示范市税务局第一税务分局办税服务厅",
    "示范市明德区府前街9号",
    WEEKDAYS,
    f"{AREA_CODE}-66912366",
)
SCHOOL_ENROLMENT = place(
    "学区内公办小学招生报名点（现场核验）",
    "各学校地址见示范市教育局年度招生公告",
    "每年 5 月 10 日至 5 月 31 日 8:30-11:30，14:30-17:00",
    f"{AREA_CODE}-66020101",
)
