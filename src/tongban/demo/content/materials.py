"""Materials that many guides share (identity papers, licences, forms), built the same way everywhere."""

from __future__ import annotations

from tongban.catalog.codes import MaterialForm, MaterialSource, Necessity
from tongban.catalog.schema import MaterialSpec

REQUIRED = Necessity.REQUIRED
DEFERRABLE = Necessity.DEFERRABLE
OPTIONAL = Necessity.OPTIONAL
PAPER = MaterialForm.PAPER
ELECTRONIC = MaterialForm.ELECTRONIC
BOTH = MaterialForm.BOTH
APPLICANT = MaterialSource.APPLICANT
SHARED = MaterialSource.SHARED
LICENCE = MaterialSource.LICENCE
PLEDGE = MaterialSource.PLEDGE
INTERNAL = MaterialSource.INTERNAL
ONLINE_FORM_NOTE = "网上办理的，在线填写即可，无需另行上传；窗口办理的，现场填写并签字"


def id_card(who: str = "申请人", *, necessity: Necessity = REQUIRED, notes: str = "") -> MaterialSpec:
    return MaterialSpec(
        name=f"{who}居民身份证",
        originals=1,
        copies=0,
        form=BOTH,
        necessity=necessity,
        issuer="公安机关",
        source=LICENCE,
        notes=notes
        or "已领取居民身份证电子证照的，通过“我的证照”授权调用，无需提交纸质件；窗口办理的出示原件，不收复印件",
        sample="身份证正反面，信息清晰、在有效期内",
    )


def household_register(who: str = "申请人", *, necessity: Necessity = REQUIRED, notes: str = "") -> MaterialSpec:
    return MaterialSpec(
        name=f"{who}居民户口簿",
        originals=1,
        copies=0,
        form=BOTH,
        necessity=necessity,
        issuer="公安机关",
        source=SHARED,
        notes=notes or "户籍信息由人口库共享获取，本市户籍无需提交；外省市户籍的提供户口簿首页和本人页原件",
    )


def business_licence(*, necessity: Necessity = REQUIRED, notes: str = "") -> MaterialSpec:
    return MaterialSpec(
        name="营业执照",
        originals=1,
        copies=0,
        form=ELECTRONIC,
        necessity=necessity,
        issuer="市场监督管理部门",
        source=LICENCE,
        notes=notes or "通过电子营业执照授权调用，无需提交纸质件；主体信息由市场主体登记库共享",
    )


def marriage_certificate(*, necessity: Necessity = REQUIRED, notes: str = "") -> MaterialSpec:
    return MaterialSpec(
        name="结婚证",
        originals=1,
        copies=0,
        form=BOTH,
        necessity=necessity,
        issuer="婚姻登记机关",
        source=LICENCE,
        notes=notes or "婚姻登记信息由民政部门共享获取；2003年以前在外省登记、系统无记录的，提供结婚证原件",
    )


def birth_certificate(*, necessity: Necessity = REQUIRED, notes: str = "") -> MaterialSpec:
    return MaterialSpec(
        name="《出生医学证明》",
        originals=1,
        copies=0,
        form=BOTH,
        necessity=necessity,
        issuer="助产机构（卫生健康部门监制）",
        source=LICENCE,
        notes=notes or "本市签发的，通过出生医学证明电子证照调用，无需提交；外省市签发的，提供原件",
    )


def property_certificate(*, necessity: Necessity = REQUIRED, notes: str = "") -> MaterialSpec:
    return MaterialSpec(
        name="不动产权证书（或房屋所有权证）",
        originals=1,
        copies=0,
        form=BOTH,
        necessity=necessity,
        issuer="不动产登记机构",
        source=LICENCE,
        notes=notes or "通过不动产权电子证照调用；登记信息由不动产登记簿共享，无需提交复印件",
    )


def form(name: str, *, issuer: str = "申请人", notes: str = "", sample: str = "", online: bool = True) -> MaterialSpec:
    """An application form the applicant fills in (online it is the web form itself)."""
    return MaterialSpec(
        name=name,
        originals=1,
        copies=0,
        form=BOTH if online else PAPER,
        necessity=REQUIRED,
        issuer=issuer,
        source=APPLICANT,
        notes=notes or (ONLINE_FORM_NOTE if online else "现场填写并签字"),
        sample=sample or f"{name}（填写示例）",
        blank_form=name,
        online_form=online,
    )


def power_of_attorney(*, notes: str = "") -> MaterialSpec:
    return MaterialSpec(
        name="授权委托书及受托人居民身份证",
        originals=1,
        copies=0,
        form=BOTH,
        necessity=OPTIONAL,
        issuer="申请人",
        source=APPLICANT,
        notes=notes or "委托他人代办的提供；已在平台办理“亲友代办”授权的，无需提交委托书",
        blank_form="授权委托书",
    )


def photo(*, notes: str = "") -> MaterialSpec:
    return MaterialSpec(
        name="近期正面免冠彩色证件照",
        originals=1,
        copies=0,
        form=ELECTRONIC,
        necessity=REQUIRED,
        issuer="申请人",
        source=APPLICANT,
        notes=notes or "白色背景，JPG 格式，358×441 像素，不小于 20KB；可在窗口免费现场拍摄",
        sample="标准证件照示例",
    )


def pledge(name: str, *, notes: str = "", necessity: Necessity = REQUIRED) -> MaterialSpec:
    return MaterialSpec(
        name=name,
        originals=1,
        copies=0,
        form=BOTH,
        necessity=necessity,
        issuer="申请人",
        source=PLEDGE,
        notes=notes or "以告知承诺替代证明材料；承诺不实的，依法撤销办理结果并记入信用记录",
        blank_form=name,
    )
