"""People, bodies and accounts as the demo-city builder and the registration page create them."""

from datetime import date

import pytest
from stdnum.cn import ric

from tongban.core.errors import Conflict, InvalidInput
from tongban.identity import services
from tongban.identity.models import Person
from tongban.identity.tests.factories import (
    PASSWORD,
    PersonFactory,
    RegionFactory,
    make_credit_code,
    make_id_number,
)

pytestmark = pytest.mark.django_db


def test_region_tree_and_department_with_valid_credit_code():
    city = services.region_create(code="990100", name="示范市", level=2)
    district = services.region_create(code="990101", name="示范区", level=3, parent=city)
    dept = services.department_create(credit_code=make_credit_code(), name="示范市公安局", region=district)
    assert dept.region.parent == city
    with pytest.raises(Conflict):
        services.region_create(code="990100", name="重复", level=2)
    with pytest.raises(InvalidInput) as exc:
        services.region_create(code="99010", name="短", level=3)
    assert exc.value.field == "code"


def test_department_with_wrong_credit_code_is_refused():
    code = make_credit_code()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(InvalidInput) as exc:
        services.department_create(credit_code=wrong, name="示范市税务局", region=RegionFactory())
    assert exc.value.field == "credit_code"
    assert "校验位" in exc.value.message_zh


def test_person_takes_birth_date_and_sex_from_the_id_number():
    number = make_id_number(born=date(1988, 6, 15), male=False)
    person = services.person_create(id_number=number, name="王芳", mobile="13912345678")
    assert person.birth_date == date(1988, 6, 15)
    assert person.sex == "F"
    assert person.source == Person.Source.REGISTER
    with pytest.raises(Conflict):
        services.person_create(id_number=number, name="王芳")


def test_person_with_impossible_birth_date_is_refused():
    body = "99010120010229123"  # 2001 was not a leap year
    with pytest.raises(InvalidInput) as exc:
        services.person_create(id_number=body + ric.calc_check_digit(body + "0"), name="李四")
    assert exc.value.field == "id_number"


def test_account_for_a_person_hashes_the_password_with_argon2():
    person = PersonFactory()
    user = services.person_account_create(person=person, password=PASSWORD)
    assert user.password.startswith("argon2")
    assert user.check_password(PASSWORD)
    assert user.get_full_name() == person.name
    with pytest.raises(Conflict):
        services.person_account_create(person=person, password=PASSWORD)


def test_weak_password_is_refused_in_both_languages():
    with pytest.raises(InvalidInput) as exc:
        services.person_account_create(person=PersonFactory(), password="12345678")
    assert exc.value.field == "password"
    assert exc.value.message_zh != exc.value.message_en
    assert "password" in exc.value.message_en.lower()


def test_registration_creates_an_l1_self_registered_person():
    number = make_id_number()
    user = services.person_register(name="刘洋", id_number=number, mobile="13800001111", password=PASSWORD)
    person = user.person
    assert person.realname_level == 1
    assert person.source == Person.Source.SELF
    with pytest.raises(Conflict):
        services.person_register(name="刘洋", id_number=number, mobile="13800001111", password=PASSWORD)


def test_registration_of_someone_in_the_register_needs_their_own_name():
    person = PersonFactory(name="陈静")
    with pytest.raises(InvalidInput) as exc:
        services.person_register(name="陈晶", id_number=person.id_number, mobile="13800002222", password=PASSWORD)
    assert exc.value.field == "name"
    user = services.person_register(name="陈静", id_number=person.id_number, mobile="13800002222", password=PASSWORD)
    assert user.person.pk == person.pk


def test_enterprise_and_staff():
    rep = PersonFactory()
    ent = services.enterprise_create(
        credit_code=make_credit_code(prefix="91"), name="示范科技有限公司", legal_representative=rep
    )
    assert ent.legal_representative == rep
    with pytest.raises(InvalidInput):
        services.enterprise_create(credit_code=make_credit_code(), name="x", kind="bogus")
    staff = services.staff_create(
        username="clerk1", password=PASSWORD, name="赵窗口", department=None, roles=["clerk"], mobile="13700000001"
    )
    assert staff.has_role("clerk") and not staff.has_role("auditor")
    with pytest.raises(InvalidInput) as exc:
        services.staff_create(username="x", password=PASSWORD, name="钱", department=None, roles=["king"])
    assert exc.value.field == "roles"
    with pytest.raises(Conflict):
        services.staff_create(username="clerk1", password=PASSWORD, name="孙", department=None, roles=["clerk"])


def test_oidc_client_register_is_idempotent_on_client_id():
    first = services.oidc_client_register(
        name="示范市住房公积金管理中心业务系统",
        client_id="demo-gjj",
        client_secret="demo-gjj-secret",
        redirect_uris=["http://127.0.0.1:8000/demo/rp/callback"],
    )
    second = services.oidc_client_register(
        name="示范市住房公积金管理中心业务系统",
        client_id="demo-gjj",
        client_secret="demo-gjj-secret",
        redirect_uris=["http://testserver/demo/rp/callback"],
    )
    assert first.pk == second.pk
    assert second.redirect_uris == "http://testserver/demo/rp/callback"
    assert second.algorithm == "RS256"
    assert second.client_type == "confidential"
