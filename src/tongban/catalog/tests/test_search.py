import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongban.catalog import search
from tongban.catalog.models import Implementation, SearchEntry
from tongban.catalog.selectors import item_search
from tongban.catalog.services import guide_draft_create, guide_draft_update, guide_publish, guide_to_spec, synonym_save

pytestmark = pytest.mark.django_db


def names(results):
    return [h.name for h in results.hits]


def test_chu_sheng_finds_the_birth_certificate_and_the_newborn_hukou(city_items):
    found = names(item_search(q="出生"))
    assert "出生医学证明签发" in found and "出生户口登记" in found


def test_name_matches_rank_above_body_matches(city_items):
    # 医疗保险参保登记 has 出生 only as a life event (body text): it comes after both name matches.
    found = names(item_search(q="出生"))
    assert set(found[:2]) == {"出生医学证明签发", "出生户口登记"}
    assert "城乡居民基本医疗保险参保登记" in found[2:]
    assert "内地居民结婚登记" in found[2:]  # 出生满法定婚龄 in a condition: a body hit, ranked below names


def test_yingye_zhizhao_finds_both_business_registrations_through_the_synonym(city_items):
    found = names(item_search(q="营业执照"))
    assert set(found[:2]) == {"企业设立登记", "个体工商户设立登记"}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("上户口", "出生户口登记"),
        ("生孩子", "出生医学证明签发"),
        ("医保", "城乡居民基本医疗保险参保登记"),
        ("我想办营业执照怎么办", "企业设立登记"),
        ("出生证明", "出生医学证明签发"),
        ("出生证", "出生医学证明签发"),  # the item's own keyword
        ("戶口登記", "出生户口登记"),  # traditional characters
        ("ＨＵＫＯＵ", None),  # full-width Latin is normalised, finds nothing, no error
        ("household registration", "出生户口登记"),  # English names are indexed too
    ],
)
def test_everyday_words_find_the_item(city_items, q, expected):
    found = names(item_search(q=q))
    if expected is None:
        assert found == []
    else:
        assert expected in found


def test_operator_synonym_takes_effect_immediately(city_items):
    assert "内地居民结婚登记" not in names(item_search(q="领证"))
    synonym_save(term="领证", expansions=["结婚登记"], actor="staff:op")
    assert names(item_search(q="领证")) == ["内地居民结婚登记"]


def test_only_published_guides_are_searchable(city_items):
    impl = Implementation.objects.get(item__basic_code="MAR001")
    draft = guide_draft_create(implementation=impl)
    guide_draft_update(guide=draft, spec=guide_to_spec(draft).model_copy(update={"summary": "婚姻登记草稿独角兽"}))
    assert item_search(q="独角兽").total == 0
    guide_publish(guide=draft)
    assert names(item_search(q="独角兽")) == ["内地居民结婚登记"]


def test_filters_by_target_life_event_and_department(city_items):
    assert set(names(item_search(q="登记", target="legal"))) == {"企业设立登记", "个体工商户设立登记"}
    assert "企业设立登记" not in names(item_search(q="登记", target="person"))
    birth = item_search(life_event="出生")
    assert birth.total == 3
    dept = SearchEntry.objects.get(basic_code="ENT001").department.credit_code
    assert set(names(item_search(department=dept))) == {"企业设立登记", "个体工商户设立登记"}


def test_empty_query_lists_everything_with_paging(city_items):
    first = item_search(limit=4)
    second = item_search(limit=4, offset=4)
    assert first.total == 6 and len(first.hits) == 4 and len(second.hits) == 2
    assert not set(names(first)) & set(names(second))


def test_when_not_every_word_matches_results_are_relaxed(city_items):
    results = item_search(q="出生 火星")
    assert results.relaxed and "出生户口登记" in names(results)


@pytest.mark.parametrize(
    "q",
    [
        "'; DROP TABLE catalog_searchentry; --",
        "出生' OR 1=1 --",
        '" OR ""="',
        "<script>alert('x')</script>",
        "出生 & | ! ( ) : * ^ NEAR AND OR NOT {name_tokens}",
        "😀😀😀",
        "出生😀",
        "x" * 10_000,
        "出生" * 5_000,
        "\x00\x1f出生\u200b",
        "",
        "   ",
        "的",
    ],
)
def test_hostile_or_odd_queries_are_safe(city_items, q):
    results = item_search(q=q)
    assert results.total >= 0
    assert SearchEntry.objects.count() == 6  # nothing was dropped
    assert len(results.query.text) <= search.MAX_QUERY_CHARS


def test_query_text_is_truncated_safely():
    assert len(search.normalise("长" * 10_000)) == search.MAX_QUERY_CHARS


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=200))
def test_any_text_is_a_safe_query(city_items, q):
    results = item_search(q=q)
    assert 0 <= results.total <= 6


def test_query_rendering_never_leaks_operators():
    parsed = search.parse_query("出生' | !(a) & b:* {x}", synonyms={})
    rendered = search.to_tsquery(parsed.groups)
    # Only quoted lexemes, grouping and our own operators.
    for token in ("!", ":*", "{"):
        assert token not in rendered
    assert "'出生'" in rendered


def test_highlight_spans_mark_query_words():
    assert search.highlight_spans("出生医学证明签发", ["出生", "证明"]) == [
        ("出生", True),
        ("医学", False),
        ("证明", True),
        ("签发", False),
    ]


def test_search_backend_in_use_is_the_database_index(city_items):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = 'catalog_searchentry_vector_gin'")
            assert cursor.fetchone()
