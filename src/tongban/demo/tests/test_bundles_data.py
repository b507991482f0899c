"""The demo city's five bundles are published through the bundles service (so checked: no cycle, every item
reachable, the items' forms agree), and their reduction is computed from the city's guides and forms."""

import pytest

from tongban.bundles import selectors
from tongban.demo.content.bundles import BUNDLES
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
