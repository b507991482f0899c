"""Building the demo city in the database: every role gets an account, the build is all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from tongban.cases.selectors import intake_departments
from tongban.cases.window_queries import window_cases
from tongban.catalog.selectors import item_search
from tongban.core.calendar import add_working_days
from tongban.core.models import CalendarDay
from tongban.demo.builder import DEMO_PASSWORD, city_exists
from tongban.demo.calendar_data import provisional_year
from tongban.demo.content import DEPARTMENTS, ITEMS
from tongban.demo.tests.conftest import city_per_module
from tongban.forms.selectors import implementations_with_form
from tongban.identity.models import Department, Enterprise, Person, Region, Staff
from tongban.identity.roles import Role
from tongban.identity.services import login_start

SMALL = {"persons": 80, "enterprises": 16}


city_once = city_per_module(seed=11, **SMALL)


@pytest.fixture
def built(city_once, db, fast_hashing):
    return city_once


def test_the_build_creates_the_city_through_the_services(built):
    assert city_exists()
    assert Region.objects.filter(code__startswith="99").count() == built.counts["regions"] == 12
    assert Department.objects.count() == len(DEPARTMENTS)
    assert built.counts["items"] == len(ITEMS)
    assert Person.objects.count() == built.counts["persons"] >= SMALL["persons"]
    assert Enterprise.objects.count() == SMALL["enterprises"]
    assert set(built.seconds) >= {"persons", "enterprises", "items", "accounts"}


def test_every_staff_role_has_an_account_with_a_fixed_username(built):
    for role in Role.values:
        staff = Staff.objects.select_related("user").get(user__username=role)
        assert staff.has_role(role)
    clerk = Staff.objects.get(user__username="clerk")
    assert clerk.department.name == "示范市政务服务和数据管理局"
    # The city's service centre: its 综合窗口 receives for every department (一窗受理).
    assert clerk.department.service_centre
    assert window_cases(staff=clerk).exclude(department=clerk.department).exists()
    assert implementations_with_form(department_ids=intake_departments(staff=clerk)).count() >= 5
    assert Staff.objects.get(user__username="operator").department is None
    assert Staff.objects.get(user__username="reviewer-gaj").department.name == "示范市公安局"


def test_the_citizen_accounts_have_their_real_name_levels(built):
    citizen = Person.objects.get(user__username="citizen")
    assert (citizen.name, citizen.realname_level, bool(citizen.mobile)) == ("林晓峰", 2, True)
    elder = Person.objects.select_related("user").get(user__username="elder")
    assert elder.realname_level == 3 and elder.user.elder_mode
    owner = Person.objects.get(user__username="legalrep")
    names = set(Enterprise.objects.filter(legal_representative=owner).values_list("name", flat=True))
    assert names == {"示范市鼎盛餐饮管理有限公司", "新港区赵记面馆"}


def test_the_elder_has_authorised_her_son_for_two_items(built):
    from tongban.identity.selectors import delegation_active

    elder = Person.objects.get(user__username="elder")
    son = Person.objects.get(user__username="relative")
    assert son.name == "刘志刚"
    assert delegation_active(principal=elder, agent=son, item_code="RS07001") is not None
    assert delegation_active(principal=elder, agent=son, item_code="SC01001") is None


def test_the_printed_credentials_log_in(built):
    for username in ("citizen", "elder", "relative", "legalrep", "clerk", "operator", "auditor"):
        challenge = login_start(identifier=username, password=DEMO_PASSWORD, ip="127.0.0.1")
        assert challenge.sent_to.startswith("199")


def test_the_demo_guides_are_published_and_found_by_everyday_words(built):
    names = {hit.name for hit in item_search(q="上户口").hits}
    assert "出生户口登记" in names
    names = {hit.name for hit in item_search(q="营业执照").hits}
    assert {"企业设立登记", "个体工商户设立登记"} <= names


def test_the_oidc_demo_client_is_registered_for_the_provident_fund_centre(built):
    from oauth2_provider.models import get_application_model

    app = get_application_model().objects.get(client_id="demo-gjj")
    assert app.name == "示范市住房公积金管理中心业务系统"
    assert "http://127.0.0.1:8000/demo/rp/callback" in app.redirect_uris.split()


def test_the_city_has_a_provisional_calendar_for_the_year_after_the_package(built):
    year = provisional_year()
    days = CalendarDay.objects.filter(date__year=year)
    assert days.count() in (365, 366) and all("示范暂定" in d.name for d in days)
    assert not days.get(date=dt.date(year, 10, 1)).is_workday
    assert days.get(date=dt.date(year, 1, 4)).is_workday is (dt.date(year, 1, 4).weekday() < 5)
    assert add_working_days(dt.date(year - 1, 12, 20), 20).year == year
