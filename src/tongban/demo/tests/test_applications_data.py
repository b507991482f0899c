"""The demo city's past applications: counted by the forms engine, so the backfill chart has a real history."""

import datetime as dt

import pytest
from django.db.models import Sum
from django.utils import timezone

from tongban.demo.content.forms import FORMS
from tongban.demo.tests.conftest import city_per_module
from tongban.forms import selectors
from tongban.forms.models import Submission

SMALL = {"persons": 80, "enterprises": 12}


city_once = city_per_module(seed=7, **SMALL)


@pytest.fixture
def built(city_once, db, fast_hashing):
    return city_once


def test_every_demo_form_has_past_applications_within_the_last_120_days(built):
    assert built.counts["forms"] == len(FORMS) == 25  # five of their own, twenty for the bundles' items
    assert built.counts["applications"] == Submission.objects.count() > 0
    # Every form, the bundles' too: sellers' and new employees' ID numbers and birth times are generated valid.
    assert set(Submission.objects.values_list("item_code", flat=True)) == set(FORMS)
    oldest = Submission.objects.order_by("submitted_at").first()
    assert (timezone.now() - oldest.submitted_at).days < 120


def test_their_counts_are_what_the_engine_says_for_the_stored_answers_and_shared_values(built):
    for submission in Submission.objects.select_related("version")[:40]:
        schema = selectors.schema_for(submission.version)
        assert submission.fields_prefilled == len(submission.shared)
        visible = [f for f in schema.fields if f.key in submission.shared or f.key in submission.answers]
        assert submission.fields_shown == len(visible)
        assert all(schema.field(key).bound for key in submission.shared)


def test_the_city_wide_rate_is_neither_nothing_nor_everything(built):
    totals = Submission.objects.aggregate(shown=Sum("fields_shown"), prefilled=Sum("fields_prefilled"))
    assert 0.2 < totals["prefilled"] / totals["shown"] < 0.9
    # 民政局 cannot read 户籍 elements (its request is pending), so 低保 is prefilled least.
    rates = {}
    for code in ("MZ05002", "YB20003"):
        t = Submission.objects.filter(item_code=code).aggregate(s=Sum("fields_shown"), p=Sum("fields_prefilled"))
        rates[code] = t["p"] / t["s"]
    assert rates["MZ05002"] < rates["YB20003"]


def test_some_open_cases_have_a_deferred_material_past_its_promise_on_the_supervision_board(built):
    """容缺受理 in the demo: each promise is of a 容缺 material of the case's guide, on a case still in review, dated
    in the past and not kept, so 效能督办 has something to show."""
    from tongban.cases import selectors as cases
    from tongban.cases.models import Case, DeferredMaterial
    from tongban.catalog.codes import Necessity
    from tongban.catalog.models import Material
    from tongban.identity.models import Staff

    today = timezone.localdate()
    with_deferrable = Material.objects.filter(necessity=Necessity.DEFERRABLE)
    deferrable = set(with_deferrable.values_list("guide__implementation", flat=True))
    eligible = Case.objects.filter(state__in=["accepted", "in_review"], implementation__in=deferrable,
                                   accepted_on__lte=today - dt.timedelta(days=2))  # fmt: skip
    promises = list(DeferredMaterial.objects.select_related("case"))
    assert len(promises) == min(6, eligible.count())  # the city's draw decides whether its 容缺 items have open cases
    for promise in promises:
        assert promise.case.state in ("accepted", "in_review") and promise.supplied_at is None
        assert promise.promised_by < today
        assert Material.objects.get(pk=promise.material_id).necessity == Necessity.DEFERRABLE
    supervisor = Staff.objects.get(user__username="supervisor")
    assert {d.pk for d in cases.deferrals_overdue(staff=supervisor)} == {p.pk for p in promises}
