"""The measured reduction: every figure from the guides and forms, one by one versus as the bundle."""

from __future__ import annotations

from tongban.bundles import selectors
from tongban.bundles.merge import compose
from tongban.bundles.reduction import Measure, reduction_of
from tongban.bundles.services import bundle_import
from tongban.bundles.tests.factories import definition, node


def test_the_whole_newborn_bundle_measured_from_its_guides_and_forms(city):
    version = bundle_import(spec=city.spec())
    r = selectors.bundle_reduction(version=version)
    assert r.items == 5
    # To hand in: 登记表 1 + hukou 2 + vaccination 1 + insurance 2 + card 1 (the ID cards are e-licences) = 7;
    # as the bundle: 登记表, 户口簿 (hukou still needs it), photo — the birth certificate flows downstream.
    assert r.materials == Measure(7, 3)
    assert r.form_fields == Measure(4 + 4 + 4 + 3, 8)  # the name asked once, the address filled by hukou
    assert r.visits == Measure(1 + 0 + 0 + 1 + 1, 1)
    assert r.steps == Measure(4 + 5 + 3 + 4 + 3, 4 + 5 + 3 + 4)
    assert r.promised_days == Measure(1 + 5 + 3 + 10 + 1, 1 + 5 + 3 + 10)
    assert r.critical_path == ("birth", "hukou", "insurance", "card")
    assert str(r.materials) == "7→3"


def test_the_reduction_follows_the_answers(city):
    version = bundle_import(spec=city.spec())
    r = selectors.bundle_reduction(version=version, answers={"hukou_here": "no", "card": "no"})
    assert r.items == 3
    assert r.promised_days == Measure(1 + 3 + 1, 1 + 3)
    assert r.materials == Measure(1 + 1 + 2, 2)  # 登记表 and insurance's 户口簿 without the hukou item


def test_independent_items_run_side_by_side_so_the_critical_path_is_the_longest_chain():
    d = definition(
        [node("a", days=2), node("b", days=7), node("c", days=3), node("d", days=1)],
        edges=[("a", "c"), ("b", "d"), ("c", "d")],
    )
    r = reduction_of(compose(d, None))
    assert r.promised_days == Measure(13, 8) and r.critical_path == ("b", "d")
    assert r.promised_days.saved == 5 and round(r.promised_days.rate, 2) == 0.38


def test_nothing_needed_separately_is_no_saving_rather_than_a_division_by_zero():
    assert Measure(0, 0).rate == 0.0
