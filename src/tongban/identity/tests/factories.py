"""Factories for identity: valid ID numbers and credit codes generated with python-stdnum."""

from __future__ import annotations

import random
from datetime import date

import factory
from stdnum.cn import ric, uscc

from tongban.identity import services
from tongban.identity.models import Department, Enterprise, Person, Region

DEMO_REGION = "990101"  # fictional region code of the demo city
PASSWORD = "Tongban-Pass-2026"


def make_id_number(*, born: date | None = None, male: bool | None = None, region: str = DEMO_REGION) -> str:
    born = born or date(random.randint(1940, 2010), random.randint(1, 12), random.randint(1, 28))
    seq = random.randint(0, 998)
    if male is not None and (seq % 2 == 1) != male:
        seq += 1
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_credit_code(*, prefix: str = "11", region: str = DEMO_REGION) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    org = "".join(random.choice(alphabet[:10]) for _ in range(8)) + random.choice(alphabet)
    body = f"{prefix}{region}{org}"
    return body + uscc.calc_check_digit(body)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = DEMO_REGION
    name = "示范市"
    name_en = "Demo City"
    level = Region.Level.CITY


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    credit_code = factory.LazyFunction(make_credit_code)
    name = factory.Sequence(lambda n: f"示范市第{n}局")
    region = factory.SubFactory(RegionFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    id_number = factory.LazyFunction(make_id_number)
    name = factory.Iterator(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆"])
    birth_date = factory.LazyAttribute(lambda o: ric.get_birth_date(o.id_number))
    sex = factory.LazyAttribute(lambda o: "M" if int(o.id_number[16]) % 2 else "F")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    source = Person.Source.REGISTER


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    credit_code = factory.LazyFunction(lambda: make_credit_code(prefix="91"))
    name = factory.Sequence(lambda n: f"示范市第{n}科技有限公司")


def person_with_account(**kwargs):  # type: ignore[no-untyped-def]
    person = PersonFactory(**kwargs)
    services.person_account_create(person=person, password=PASSWORD)
    person.refresh_from_db()
    return person


def staff_with_roles(roles, *, username=None, department=None, mobile="13700000000"):  # type: ignore[no-untyped-def]
    return services.staff_create(
        username=username or f"staff{random.randint(10**6, 10**7)}",
        password=PASSWORD,
        name="赵工作",
        department=department,
        roles=list(roles),
        mobile=mobile,
    )
