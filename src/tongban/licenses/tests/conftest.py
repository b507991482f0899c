import pytest
from django.test import override_settings

from tongban.identity.roles import Role
from tongban.identity.tests.factories import DepartmentFactory, EnterpriseFactory, person_with_account, staff_with_roles
from tongban.licenses import services
from tongban.licenses.tests.factories import LicenceTypeFactory, WalletKey, business_fields


@pytest.fixture(autouse=True)
def _seal_kek(seal_kek):  # type: ignore[no-untyped-def]
    return seal_kek


@pytest.fixture
def amr(db):
    return DepartmentFactory(name="示范市市场监督管理局", name_en="Demo City Administration for Market Regulation")


@pytest.fixture
def operator(db):
    return staff_with_roles([Role.OPERATOR], username="operator-lic", mobile="13700000010")


@pytest.fixture
def reviewer(amr):
    return staff_with_roles([Role.REVIEWER], department=amr, username="reviewer-scjg", mobile="13700000011")


@pytest.fixture
def business_type(amr):
    return LicenceTypeFactory(code="11100000000013338W011", department=amr)


@pytest.fixture
def firm(db):
    return EnterpriseFactory(name="示范市明德科技有限公司")


@pytest.fixture
def owner(firm):
    """The firm's legal representative, with an account: the firm's licences are in their wallet."""
    person = person_with_account(name="赵建华")
    firm.legal_representative = person
    firm.save(update_fields=["legal_representative"])
    return person


@pytest.fixture
def wallet():
    return WalletKey()


@pytest.fixture
def issue(business_type, firm, wallet, reviewer):
    """Issue a business licence to the firm, bound to the wallet key."""

    def make(**kwargs):
        args = {
            "licence_type": business_type, "holder": firm, "number": "91990101MA1234567X", "fields": business_fields(),
            "actor": reviewer, "holder_jwk": wallet.jwk,
        }  # fmt: skip
        args.update(kwargs)
        return services.licence_issue(**args)

    return make


__all__ = ["override_settings"]
