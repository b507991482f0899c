"""Factories for catalogue tests: departments with valid credit codes and complete item specs."""

from __future__ import annotations

import itertools
from typing import Any

import factory
from stdnum.cn import uscc

from tongban.catalog.codes import HandlingForm, ItemType, LimitUnit, MaterialSource, Necessity, Target
from tongban.catalog.schema import FeeSpec, ItemSpec, LimitSpec, MaterialSpec, PlaceSpec
from tongban.identity.models import Department, Region, Staff, User

_seq = itertools.count(1)


def credit_code(n: int) -> str:
    """A valid unified social credit code for a fictional government body (11 = 机关)."""
    body = f"11990000{n:09d}"
    return body + uscc.calc_check_digit(body)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "990100"
    name = "示范市"
    name_en = "Demo City"
    level = Region.Level.CITY


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    credit_code = factory.Sequence(lambda n: credit_code(n + 1))
    name = factory.Sequence(lambda n: f"示范市第{n + 1}局")
    name_en = factory.Sequence(lambda n: f"Demo City Bureau {n + 1}")
    region = factory.SubFactory(RegionFactory)
    phone = "0990-12345"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"operator{n}")
    password = factory.PostGenerationMethodCall("set_password", "Operator-Pass-2026")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"运营人员{n}")
    roles = factory.LazyFunction(lambda: ["operator"])


def item_spec(*, department: Department, **overrides: Any) -> ItemSpec:
    """A complete, valid spec; override any field."""
    n = next(_seq)
    data: dict[str, Any] = {
        "basic_code": f"T{n:05d}",
        "name": f"测试事项{n}",
        "name_en": f"Test item {n}",
        "item_type": ItemType.PUBLIC_SERVICE,
        "department": department.credit_code,
        "targets": [Target.NATURAL_PERSON],
        "handling_forms": [HandlingForm.WINDOW, HandlingForm.ONLINE],
        "legal_limit": LimitSpec(days=20, unit=LimitUnit.WORKING_DAYS),
        "promised_limit": LimitSpec(days=5, unit=LimitUnit.WORKING_DAYS),
        "fees": [],
        "conditions": ["申请人为本市常住居民"],
        "legal_basis": ["《示范市政务服务条例》第十条"],
        "places": [PlaceSpec(name="示范市政务服务中心一楼", address="示范市人民大道1号", hours="工作日 9:00-17:00")],
        "process": ["申请", "受理", "审核", "办结"],
        "visits": 0,
        "life_events": [],
        "keywords": [],
        "summary": "为符合条件的申请人办理相关手续。",
        "materials": [
            MaterialSpec(name="居民身份证", originals=1, copies=1, source=MaterialSource.LICENCE),
            MaterialSpec(name="申请表", necessity=Necessity.REQUIRED, blank_form="申请表空白表格", online_form=True),
        ],
        "consult_phone": "0990-12345",
        "complaint_phone": "12345",
        "result": "办理结果通知",
        "delivery": "电子送达",
    }
    data.update(overrides)
    return ItemSpec(**data)


def fee(name: str = "工本费", amount: str = "10") -> FeeSpec:
    return FeeSpec(name=name, amount=amount, basis="示价〔2026〕1号")
