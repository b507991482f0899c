import pytest
from django.urls import reverse

from tongban.catalog.models import GuideStatus, GuideVersion, Implementation
from tongban.catalog.services import guide_draft_create, guide_publish
from tongban.catalog.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_home_shows_search_life_events_departments_and_popular_items(client, city_items):
    response = client.get("/")
    text = response.content.decode()
    assert response.status_code == 200
    assert 'role="search"' in text
    for expected in ("个人办事", "法人办事", "出生", "开办企业", "示范市公安局", "热门事项", "上户口"):
        assert expected in text


def test_home_before_anything_is_published_says_so(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "事项目录尚未发布" in response.content.decode()


def test_search_page_lists_results_with_count_and_highlight(client, city_items):
    response = client.get("/search", {"q": "出生"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "共找到 4 个事项" in text
    assert "<mark>出生</mark>医学证明签发" in text
    assert f'href="/items/{city_items["BIRTH01"]}/"' in text


def test_search_filters_by_target(client, city_items):
    text = client.get("/search", {"q": "登记", "target": "legal"}).content.decode()
    assert city_items["ENT001"] in text and city_items["HUKOU01"] not in text


def test_search_with_no_results_offers_help(client, city_items):
    text = client.get("/search", {"q": "火星移民"}).content.decode()
    assert "没有找到相关事项" in text and "12345" in text


@pytest.mark.parametrize(
    "q",
    ["<script>alert('x')</script>", "'; DROP TABLE catalog_item; --", "😀", "長" * 10_000, "\x00"],
)
def test_hostile_search_input_is_escaped_and_never_500(client, city_items, q):
    response = client.get("/search", {"q": q})
    assert response.status_code == 200
    text = response.content.decode()
    assert "<script>alert" not in text
    if len(q) > 100:
        assert "搜索词过长" in text


def test_search_is_rate_limited_with_a_clear_page(client, city_items, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": (2, 60)}
    assert client.get("/search", {"q": "出生"}).status_code == 200
    assert client.get("/search", {"q": "出生"}).status_code == 200
    response = client.get("/search", {"q": "出生"})
    assert response.status_code == 429
    assert "请求过于频繁" in response.content.decode() and response["Retry-After"]


def test_bad_page_numbers_are_clamped(client, city_items):
    for page in ("abc", "-5", "99999999999999999999"):
        assert client.get("/search", {"q": "登记", "page": page}).status_code == 200


def test_guide_page_has_everything_an_applicant_needs(client, city_items):
    code = city_items["BIRTH01"]
    response = client.get(f"/items/{code}/")
    text = response.content.decode()
    assert response.status_code == 200
    for expected in (
        "出生医学证明签发",
        "住院分娩记录",
        "原件 1 份 / 复印件 1 份",
        "免提交",
        "容缺",
        "法定 20 个工作日",
        "承诺 5 个工作日",
        "不收费",
        "0 次（全程网办，不用跑）",
        "示范市政务服务中心一楼",
        "工作日 9:00-17:00",
        "《示范市政务服务条例》第十条",
        "《出生医学证明》",
        code,
        "第 1 版",
        "打印办事指南",
    ):
        assert expected in text, expected
    assert "在线办理" not in text  # no fake apply button before cases exist


def test_guide_by_basic_code_redirects_to_the_implementation_code(client, city_items):
    response = client.get("/items/BIRTH01/")
    assert response.status_code == 302 and response["Location"] == f"/items/{city_items['BIRTH01']}/"


def test_unknown_or_unpublished_guide_is_404(client, city_items):
    assert client.get("/items/NOPE/").status_code == 404
    assert client.get("/items/" + "9" * 300 + "/").status_code == 404


def test_guide_shows_fees_and_natural_days(client, publish):
    from tongban.catalog.schema import LimitSpec
    from tongban.catalog.tests.factories import fee

    code = publish(
        fees=[fee("工本费", "20")], promised_limit=LimitSpec(days=3, unit="Z"), legal_limit=LimitSpec(days=10, unit="Z")
    )
    text = client.get(f"/items/{code}/").content.decode()
    assert "工本费 20.00 元" in text and "承诺 3 个自然日" in text


def test_browse_life_event_and_department(client, city_items):
    text = client.get(reverse("catalog:life_event", args=["出生"])).content.decode()
    assert city_items["BIRTH01"] in text and city_items["ENT001"] not in text
    impl = Implementation.objects.get(item__basic_code="ENT001")
    text = client.get(reverse("catalog:department", args=[impl.department.credit_code])).content.decode()
    assert "企业设立登记" in text and "个体工商户设立登记" in text and "出生户口登记" not in text
    assert client.get(reverse("catalog:life_event", args=["不存在"])).status_code == 404
    assert client.get(reverse("catalog:department", args=["X"])).status_code == 404


def test_new_version_shows_on_the_public_page_after_publishing(client, city_items):
    impl = Implementation.objects.get(item__basic_code="HUKOU01")
    draft = guide_draft_create(implementation=impl)
    assert "第 1 版" in client.get(f"/items/{impl.code}/").content.decode()
    guide_publish(guide=draft)
    assert "第 2 版" in client.get(f"/items/{impl.code}/").content.decode()
    assert GuideVersion.objects.get(implementation=impl, number=1).status == GuideStatus.SUPERSEDED


def test_english_page_uses_english_names(client, city_items):
    text = client.get("/search", {"q": "出生", "lang": "en"}).content.decode()
    assert "Issuing the medical birth certificate" in text


def test_management_is_for_operators_only(client, city_items):
    code = city_items["BIRTH01"]
    urls = [
        "/manage/catalog/",
        f"/manage/catalog/{code}/",
        f"/manage/catalog/{code}/edit",
        f"/manage/catalog/{code}/v/1/",
        "/manage/catalog/synonyms/",
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: log in first
    clerk = StaffFactory(roles=["clerk"])
    client.force_login(clerk.user)
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(f"/manage/catalog/{code}/v/1/publish").status_code == 404
