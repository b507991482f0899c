"""The demo city's five bundles are published through the bundles service (so checked: no cycle, every item
reachable, the items' forms agree), and their reduction is computed from the city's guides and forms."""

import pytest

from tongban.bundles import selectors
from tongban.demo.content.bundles import BIRTH_MEDICAL_CERTIFICATE, BUNDLES
from tongban.demo.content.forms import FORMS
from tongban.demo.tests.conftest import city_per_module

SMALL = {"persons": 60, "enterprises": 10}


city_once = city_per_module(seed=7, **SMALL)


@pytest.fixture
def built(city_once, db, fast_hashing):
    return city_once


def test_the_five_bundles_are_published_and_measured(built):
    assert built.counts["bundles"] == 5
    assert [b.code for b in selectors.bundle_list()] == sorted(b["code"] for b in BUNDLES)
    table = {}
    for bundle in selectors.bundle_list():
        version = selectors.bundle_version_published(bundle=bundle)
        assert selectors.bundle_check(version=version) == []
        r = selectors.bundle_reduction(version=version)
        table[bundle.code] = {k: str(m) for k, m in r.measures.items()}
        for measure in r.measures.values():
            assert measure.bundled <= measure.separately, (bundle.code, r)
    print(table)  # the reduction table of the closing note (pytest -s)
    assert table["newborn"]["promised_days"] == "10→10"  # only the social security card takes days
    # Every item has its form now: fields summed one by one versus the one merged form's fields still asked.
    assert {code: row["form_fields"] for code, row in table.items()} == {
        "newborn": "52→29", "restaurant": "54→32", "retirement": "39→26", "home-transfer": "43→23", "hiring": "31→15"
    }  # fmt: skip


def test_every_bundle_item_has_a_demo_form():
    assert sorted({node["item"] for bundle in BUNDLES for node in bundle["items"]} - set(FORMS)) == []


def test_questions_the_bundles_items_share_are_asked_once(built):
    def guide(code: str):
        version = selectors.bundle_version_published(bundle=selectors.bundle_get(code=code))
        return selectors.bundle_guide(version=version, answers=None)

    def asked_by(code: str) -> dict[str, tuple[str, ...]]:
        return {f.key: f.nodes for f in guide(code).asked_fields}

    newborn = asked_by("newborn")
    baby = ("birth_certificate", "hukou", "vaccination", "medical_insurance")
    assert [newborn[f"free.{key}"] for key in ("baby_name", "baby_sex", "baby_birth_date")] == [baby] * 3
    # The baby's facts are no parent's data: the certificate flows to the hukou as a licence, carrying no elements.
    flows = guide("newborn").definition.flows
    assert [(f.elements, f.licence) for f in flows if (f.upstream, f.downstream) == ("birth_certificate", "hukou")] == [
        ((), BIRTH_MEDICAL_CERTIFICATE)
    ]
    restaurant = asked_by("restaurant")
    assert restaurant["free.premises"] == ("company", "sole_trader", "food_licence", "hygiene_licence", "shop_sign")
    hiring = asked_by("hiring")
    employee = ("insurance", "fund", "employment")
    assert [hiring[f"free.{key}"] for key in ("employee_name", "employee_id_number", "hire_date")] == [employee] * 3
    assert asked_by("retirement")["free.employer"] == ("retirement", "medical", "fund")
    assert asked_by("home-transfer")["free.property_address"] == ("transfer", "water", "power", "gas", "fund")


def test_the_newborn_guide_takes_the_birth_certificate_from_its_own_item(built):
    version = selectors.bundle_version_published(bundle=selectors.bundle_get(code="newborn"))
    guide = selectors.bundle_guide(
        version=version, answers={"hukou_here": "yes", "social_card": "yes", "photo": "upload"}
    )
    assert guide.node_keys[0] == "birth_certificate"
    certificate = next(m for m in guide.materials if m.name == "《出生医学证明》")
    assert certificate.exempt and set(certificate.exempt_because) == {"upstream:birth_certificate"}
    restaurant = selectors.bundle_version_published(bundle=selectors.bundle_get(code="restaurant"))
    as_sole_trader = selectors.bundle_guide(
        version=restaurant, answers={"form": "sole_trader", "public_place": "no", "sign": "yes"}
    )
    assert as_sole_trader.node_keys == ("sole_trader", "food_licence", "shop_sign")
