"""The bodies of 示范市 that implement service items, with generated credit codes.

Government bodies carry 11 (机构编制, 机关), public institutions 12 (事业单位) and the utility companies
91 (工商, 企业) as the first two characters of their unified social credit code (GB 32100). Telephone
numbers use the area code 0699, which is not assigned to any real city.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from tongban.demo.content.regions import CITY_CODE
from tongban.demo.numbers import COMPANY, GOVERNMENT_BODY, PUBLIC_INSTITUTION, credit_code_make

AREA_CODE = "0699"


@dataclass(frozen=True)
class DepartmentData:
    key: str  # short handle used by the content modules
    name: str
    name_en: str
    short_name: str
    prefix: str  # first two characters of the credit code
    org_body: str  # 8 characters of the organisation code before its check character
    address: str
    phone: str

    @cached_property
    def credit_code(self) -> str:
        return credit_code_make(prefix=self.prefix, region=CITY_CODE, org_body=self.org_body)


def _dept(
    key: str, name: str, name_en: str, short: str, prefix: str, n: int, address: str, phone: str
) -> DepartmentData:
    # Organisation codes of the demo bodies: 0099 + a 4-digit serial, the 1990s style of 机关 codes.
    return DepartmentData(key, name, name_en, short, prefix, f"0099{n:04d}", address, f"{AREA_CODE}-{phone}")


DEPARTMENTS: tuple[DepartmentData, ...] = (
    _dept(
        "gaj",
        "示范市公安局",
        "Shifan Public Security Bureau",
        "市公安局",
        GOVERNMENT_BODY,
        101,
        "示范市明德区府前街1号",
        "66110110",
    ),
    _dept(
        "wjw",
        "示范市卫生健康委员会",
        "Shifan Health Commission",
        "市卫生健康委",
        GOVERNMENT_BODY,
        102,
        "示范市清源区健康路8号",
        "66120120",
    ),
    _dept(
        "rsj",
        "示范市人力资源和社会保障局",
        "Shifan Human Resources and Social Security Bureau",
        "市人社局",
        GOVERNMENT_BODY,
        103,
        "示范市明德区人民路66号",
        "66212333",
    ),
    _dept(
        "ybj",
        "示范市医疗保障局",
        "Shifan Healthcare Security Administration",
        "市医保局",
        GOVERNMENT_BODY,
        104,
        "示范市明德区人民路68号",
        "66213456",
    ),
    _dept(
        "scj",
        "示范市市场监督管理局",
        "Shifan Administration for Market Regulation",
        "市市场监管局",
        GOVERNMENT_BODY,
        105,
        "示范市明德区学府街20号",
        "66312315",
    ),
    _dept(
        "zrj",
        "示范市自然资源和规划局",
        "Shifan Natural Resources and Planning Bureau",
        "市自然资源和规划局",
        GOVERNMENT_BODY,
        106,
        "示范市明德区明德路100号",
        "66401818",
    ),
    _dept(
        "mzj",
        "示范市民政局",
        "Shifan Civil Affairs Bureau",
        "市民政局",
        GOVERNMENT_BODY,
        107,
        "示范市明德区文昌路16号",
        "66502020",
    ),
    _dept(
        "gjj",
        "示范市住房公积金管理中心",
        "Shifan Housing Provident Fund Centre",
        "市公积金中心",
        PUBLIC_INSTITUTION,
        108,
        "示范市明德区市民大道90号",
        "66612329",
    ),
    _dept(
        "cgj",
        "示范市城市管理局",
        "Shifan Urban Management Bureau",
        "市城管局",
        GOVERNMENT_BODY,
        109,
        "示范市新港区港城大道200号",
        "66703190",
    ),
    _dept(
        "sjj",
        "示范市政务服务和数据管理局",
        "Shifan Government Services and Data Administration",
        "市政务服务和数据局",
        GOVERNMENT_BODY,
        110,
        "示范市明德区市民大道88号",
        "66800088",
    ),
    _dept(
        "swj",
        "国家税务总局示范市税务局",
        "Shifan Taxation Bureau, State Taxation Administration",
        "市税务局",
        GOVERNMENT_BODY,
        111,
        "示范市明德区府前街9号",
        "66912366",
    ),
    _dept(
        "jyj",
        "示范市教育局",
        "Shifan Education Bureau",
        "市教育局",
        GOVERNMENT_BODY,
        112,
        "示范市明德区学府街1号",
        "66020101",
    ),
    _dept(
        "zjj",
        "示范市住房和城乡建设局",
        "Shifan Housing and Urban-Rural Development Bureau",
        "市住建局",
        GOVERNMENT_BODY,
        113,
        "示范市明德区明德路102号",
        "66031234",
    ),
    _dept(
        "water",
        "示范市水务集团有限公司",
        "Shifan Water Group Co., Ltd.",
        "市水务集团",
        COMPANY,
        201,
        "示范市清源区滨河路18号",
        "66996000",
    ),
    _dept(
        "power",
        "示范市供电有限公司",
        "Shifan Power Supply Co., Ltd.",
        "市供电公司",
        COMPANY,
        202,
        "示范市凤栖区凤栖大道58号",
        "66995598",
    ),
    _dept(
        "gas",
        "示范市燃气集团有限公司",
        "Shifan Gas Group Co., Ltd.",
        "市燃气集团",
        COMPANY,
        203,
        "示范市新港区望海路6号",
        "66997700",
    ),
)

BY_KEY: dict[str, DepartmentData] = {d.key: d for d in DEPARTMENTS}


def code_of(key: str) -> str:
    """The credit code of a department by its key (what ItemSpec.department holds)."""
    return BY_KEY[key].credit_code


def phone_of(key: str) -> str:
    return BY_KEY[key].phone
