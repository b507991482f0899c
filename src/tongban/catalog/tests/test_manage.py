import pytest

from tongban.catalog.models import GuideStatus, GuideVersion, Implementation
from tongban.catalog.tests.factories import StaffFactory
from tongban.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client):
    staff = StaffFactory(roles=["operator"])
    client.force_login(staff.user)
    return client


def form_data(client, code):
    """What the edit page's form would post back unchanged (from its initial values)."""
    response = client.get(f"/manage/catalog/{code}/edit")
    assert response.status_code == 200
    ctx = response.context
    data = {}
    for name, field in ctx["form"].fields.items():
        value = ctx["form"][name].value()
        if isinstance(value, list):
            data[name] = value
        elif value is None:
            data[name] = ""
        else:
            data[name] = field.prepare_value(value) if hasattr(field, "prepare_value") else value
    for fs in (ctx["materials"], ctx["fees"], ctx["places"]):
        data[f"{fs.prefix}-TOTAL_FORMS"] = str(len(fs.initial or []))
        data[f"{fs.prefix}-INITIAL_FORMS"] = "0"
        for i, row in enumerate(fs.initial or []):
            for key, value in row.items():
                data[f"{fs.prefix}-{i}-{key}"] = value
    return data


def test_operator_sees_the_list_with_status_and_versions(operator_client, city_items):
    text = operator_client.get("/manage/catalog/").content.decode()
    assert "出生医学证明签发" in text and "已发布" in text and city_items["BIRTH01"] in text
    text = operator_client.get("/manage/catalog/", {"q": "企业"}).content.decode()
    assert "企业设立登记" in text and "出生医学证明签发" not in text


def test_opening_the_editor_does_not_create_a_draft(operator_client, city_items):
    operator_client.get(f"/manage/catalog/{city_items['BIRTH01']}/edit")
    assert not GuideVersion.objects.filter(status=GuideStatus.DRAFT).exists()


def test_edit_creates_a_new_draft_then_publish_supersedes(operator_client, city_items):
    code = city_items["BIRTH01"]
    data = form_data(operator_client, code)
    data["summary"] = "新生儿出生后一个月内可申领《出生医学证明》。"
    data["promised_limit_days"] = "3"
    data["change_note"] = "承诺时限缩短为 3 个工作日"
    n = int(data["materials-TOTAL_FORMS"])
    data.update(
        {
            "materials-TOTAL_FORMS": str(n + 1),
            f"materials-{n}-name": "新生儿父母户口簿",
            f"materials-{n}-originals": "1",
            f"materials-{n}-copies": "0",
            f"materials-{n}-form": "paper",
            f"materials-{n}-necessity": "required",
            f"materials-{n}-source": "shared",
        }
    )
    response = operator_client.post(f"/manage/catalog/{code}/edit", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"/manage/catalog/{code}/v/2/"
    draft = GuideVersion.objects.get(implementation__code=code, number=2)
    assert draft.status == GuideStatus.DRAFT and draft.promised_limit_days == 3
    assert draft.materials.count() == 4 and draft.change_note.startswith("承诺时限")
    # Public page still shows version 1.
    assert "承诺 5 个工作日" in operator_client.get(f"/items/{code}/").content.decode()

    preview = operator_client.get(f"/manage/catalog/{code}/v/2/").content.decode()
    assert "新生儿父母户口簿" in preview and "发布第 2 版" in preview

    response = operator_client.post(f"/manage/catalog/{code}/v/2/publish")
    assert response.status_code == 302
    public = operator_client.get(f"/items/{code}/").content.decode()
    assert "承诺 3 个工作日" in public and "第 2 版" in public and "新生儿父母户口簿" in public
    assert GuideVersion.objects.get(implementation__code=code, number=1).status == GuideStatus.SUPERSEDED
    assert AuditEntry.objects.filter(action="catalog.guide_published", actor__startswith="staff:").exists()

    history = operator_client.get(f"/manage/catalog/{code}/").content.decode()
    assert "第 1 版" in history and "第 2 版" in history and "已被替代" in history

    # Publishing again is refused with a message, not an error page.
    response = operator_client.post(f"/manage/catalog/{code}/v/2/publish", follow=True)
    assert "该版本已发布" in response.content.decode()


def test_saving_twice_edits_the_same_draft(operator_client, city_items):
    code = city_items["HUKOU01"]
    data = form_data(operator_client, code)
    operator_client.post(f"/manage/catalog/{code}/edit", data)
    data = form_data(operator_client, code)
    data["summary"] = "第二次修改"
    operator_client.post(f"/manage/catalog/{code}/edit", data)
    assert list(Implementation.objects.get(code=code).guides.values_list("number", "status").order_by("number")) == [
        (1, "published"),
        (2, "draft"),
    ]
    assert GuideVersion.objects.get(implementation__code=code, number=2).summary == "第二次修改"


def test_validation_errors_are_summarised_and_typed_values_kept(operator_client, city_items):
    code = city_items["BIRTH01"]
    data = form_data(operator_client, code)
    data["summary"] = "我写的新简介"
    data["conditions"] = "   "
    data["legal_limit_days"] = "abc"
    data["promised_limit_days"] = "30"
    data["legal_limit_unit"] = "G"
    data["materials-0-name"] = ""
    data["targets"] = []
    response = operator_client.post(f"/manage/catalog/{code}/edit", data)
    assert response.status_code == 422
    text = response.content.decode()
    assert "请修改以下问题" in text
    assert 'href="#id_conditions"' in text and 'href="#id_materials-0-name"' in text and 'href="#id_targets_0"' in text
    assert "我写的新简介" in text
    assert 'value="abc"' in text
    assert not GuideVersion.objects.filter(status=GuideStatus.DRAFT).exists()


def test_promised_limit_longer_than_legal_is_refused(operator_client, city_items):
    code = city_items["BIRTH01"]
    data = form_data(operator_client, code)
    data["promised_limit_days"] = "30"
    response = operator_client.post(f"/manage/catalog/{code}/edit", data)
    assert response.status_code == 422 and "承诺时限不能长于法定时限" in response.content.decode()


def test_all_materials_deleted_is_refused(operator_client, city_items):
    code = city_items["BIRTH01"]
    data = form_data(operator_client, code)
    for i in range(int(data["materials-TOTAL_FORMS"])):
        data[f"materials-{i}-DELETE"] = "on"
    response = operator_client.post(f"/manage/catalog/{code}/edit", data)
    assert response.status_code == 422 and "至少需要一项" in response.content.decode()


def test_operator_manages_synonyms(operator_client, city_items):
    response = operator_client.post("/manage/catalog/synonyms/", {"term": "领证", "expansions": "结婚登记、婚姻登记"})
    assert response.status_code == 302
    text = operator_client.get("/search", {"q": "领证"}).content.decode()
    assert city_items["MAR001"] in text
    bad = operator_client.post("/manage/catalog/synonyms/", {"term": "", "expansions": ""})
    assert bad.status_code == 422 and "请修改以下问题" in bad.content.decode()
    from tongban.catalog.models import Synonym

    synonym = Synonym.objects.get(term="领证")
    assert operator_client.post(f"/manage/catalog/synonyms/{synonym.pk}/delete").status_code == 302
    assert not Synonym.objects.filter(term="领证").exists()
