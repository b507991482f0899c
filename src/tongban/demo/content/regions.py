"""The region tree of the demo city (示范省 › 示范市 › districts and counties).

The codes use the 99 prefix, which GB/T 2260 does not assign to any province, so no demo number can
be mistaken for a real person's or body's. Town (street) codes use the 9-digit form.
"""

from __future__ import annotations

from dataclasses import dataclass

PROVINCE_CODE = "990000"
CITY_CODE = "990100"


@dataclass(frozen=True)
class RegionData:
    code: str
    name: str
    name_en: str
    level: int  # identity Region.Level: 1 province, 2 city, 3 county, 4 town
    parent: str | None


REGIONS: tuple[RegionData, ...] = (
    RegionData(PROVINCE_CODE, "示范省", "Shifan Province", 1, None),
    RegionData(CITY_CODE, "示范市", "Shifan City", 2, PROVINCE_CODE),
    RegionData("990102", "明德区", "Mingde District", 3, CITY_CODE),
    RegionData("990103", "清源区", "Qingyuan District", 3, CITY_CODE),
    RegionData("990104", "新港区", "Xingang District", 3, CITY_CODE),
    RegionData("990111", "凤栖区", "Fengqi District", 3, CITY_CODE),
    RegionData("990121", "云山县", "Yunshan County", 3, CITY_CODE),
    RegionData("990181", "溪口市", "Xikou (county-level city)", 3, CITY_CODE),
    # Streets and towns (乡镇/街道) of the central district, where the service centre is.
    RegionData("990102001", "文昌街道", "Wenchang Subdistrict", 4, "990102"),
    RegionData("990102002", "市民街道", "Shimin Subdistrict", 4, "990102"),
    RegionData("990103001", "健康路街道", "Jiankanglu Subdistrict", 4, "990103"),
    RegionData("990121100", "云山镇", "Yunshan Town", 4, "990121"),
)

# Where people live and firms are registered (6-digit district/county codes), with rough weights by population.
DISTRICTS: tuple[tuple[str, int], ...] = (
    ("990102", 26),
    ("990103", 22),
    ("990104", 18),
    ("990111", 14),
    ("990121", 10),
    ("990181", 10),
)

DISTRICT_NAMES: dict[str, str] = {r.code: r.name for r in REGIONS}

# Streets used in generated addresses, per district.
STREETS: dict[str, tuple[str, ...]] = {
    "990102": ("市民大道", "文昌路", "明德路", "学府街", "人民路", "解放西路", "府前街"),
    "990103": ("健康路", "清源大道", "滨河路", "梧桐巷", "青年路", "枫林路"),
    "990104": ("港城大道", "海关路", "新港一路", "新港三路", "望海路", "渔港街"),
    "990111": ("凤栖大道", "凤鸣路", "栖霞路", "科创一路", "科创二路", "丹桂街"),
    "990121": ("云山大街", "城关路", "茶园路", "东环路", "溪桥路"),
    "990181": ("溪口大道", "状元路", "新华街", "南门街", "工业园路"),
}


def region_name_path(code: str) -> str:
    """示范省示范市明德区 for a district code (used in addresses)."""
    return f"示范省示范市{DISTRICT_NAMES[code]}"
