"""Application materials: what the guide asks for, uploads checked from their bytes, everything missing told at
once, and every bad file the issue names refused with its reason while the rest of the application stays."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from tongban.core.errors import NotFound
from tongban.forms import materials, services
from tongban.forms.models import Attachment, Draft, Submission
from tongban.forms.tests import uploads
from tongban.forms.uploads import UploadRejected
from tongban.identity.models import RealNameLevel
from tongban.identity.roles import Role
from tongban.identity.tests.factories import person_with_account, staff_with_roles

pytestmark = pytest.mark.django_db(transaction=True)  # connectors read on their own connection

FILING = {"filing_type": "1", "residence_address": "广东省深圳市南山区科技园1号", "start_date": "2026-12-05",
          "phone": "13812345678"}  # fmt: skip


@pytest.fixture
def draft(city, item) -> Draft:  # type: ignore[no-untyped-def]
    draft = services.draft_start(user=city.user, implementation=item)
    services.draft_save(user=city.user, draft_id=draft.pk, answers={"household_number": "H00012"}, page="applicant")
    services.draft_save(user=city.user, draft_id=draft.pk, answers=FILING, page="filing")
    return draft


def _state(draft: Draft, name: str) -> materials.MaterialState:
    return next(s for s in materials.material_states(draft=draft) if s.material.name == name)


def _upload(city, draft: Draft, name: str, data: bytes, filename: str = "证明.pdf") -> Attachment:  # type: ignore[no-untyped-def]
    return materials.attachment_add(
        user=city.user, draft_id=draft.pk, material_id=_state(draft, name).material.pk,
        stream=io.BytesIO(data), filename=filename, size=len(data),
    )  # fmt: skip


def _refused(city, draft: Draft, data: bytes, filename: str) -> UploadRejected:  # type: ignore[no-untyped-def]
    with pytest.raises(UploadRejected) as refused:
        _upload(city, draft, "异地居住证明", data, filename)
    return refused.value


# --- what is asked ---------------------------------------------------------------------------------------


def test_held_issued_pledged_and_form_materials_are_not_asked_and_the_rest_can_be_uploaded(draft):
    ways = {s.material.name: s.way for s in materials.material_states(draft=draft)}
    assert ways == {
        "居民身份证": materials.EXEMPT, "备案登记表": materials.ONLINE, "异地居住证明": materials.UPLOAD,
        "转诊证明": materials.UPLOAD, "近期照片": materials.UPLOAD, "参保凭证原件": materials.PAPER,
    }  # fmt: skip


def test_submission_lists_the_missing_required_material_with_the_fields_and_not_the_deferrable_one(city, draft):
    services.draft_save(user=city.user, draft_id=draft.pk, answers={"phone": ""}, page="filing")
    with pytest.raises(services.FormIncomplete) as incomplete:
        services.application_submit(user=city.user, draft_id=draft.pk, consent=[], declaration=True)
    missing = incomplete.value.errors
    assert set(missing) == {"phone", _state(draft, "异地居住证明").key}
    assert missing[_state(draft, "异地居住证明").key].message_zh == "请上传材料：异地居住证明"


def test_uploaded_files_go_with_the_submission_and_keep_the_guide_they_were_asked_under(client, city, draft):
    first = _upload(city, draft, "异地居住证明", uploads.pdf(3), "租赁合同.pdf")
    photo = _upload(city, draft, "近期照片", uploads.jpeg(), "photo.jpg")
    submission = services.application_submit(user=city.user, draft_id=draft.pk, consent=[], declaration=True)
    assert set(submission.attachments.all()) == {first, photo}
    assert submission.guide_id == draft.guide_id is not None
    assert (first.kind, first.pages, first.filename) == ("pdf", 3, "租赁合同.pdf")
    client.force_login(city.user)
    receipt = client.get(reverse("forms:submission", args=[submission.number])).content.decode()
    assert "租赁合同.pdf" in receipt and "photo.jpg" in receipt and "免提交" in receipt
    states = {s.material.name: s for s in materials.submission_material_states(submission=submission)}
    assert states["异地居住证明"].files == [first] and states["转诊证明"].deferrable_missing


def test_a_file_is_kept_under_an_id_and_its_bytes_read_back_unchanged(city, draft):
    data = uploads.png()
    attachment = _upload(city, draft, "近期照片", data, "../../etc/照片.png")
    assert attachment.filename == "照片.png" and "照片" not in attachment.storage_key
    with materials.attachment_open(attachment=attachment, actor=f"user:{city.user.pk}", purpose="本人查看") as f:
        assert f.read() == data


def test_removing_a_file_deletes_its_bytes(city, draft):
    attachment = _upload(city, draft, "近期照片", uploads.png())
    materials.attachment_remove(user=city.user, draft_id=draft.pk, attachment_id=attachment.pk)
    assert not Attachment.objects.exists()
    assert not storages["uploads"].exists(attachment.storage_key)


# --- bad files: each refused with its reason, nothing else lost ------------------------------------------


def test_an_oversize_file_is_refused_with_the_limit_named(city, draft, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    error = _refused(city, draft, uploads.pdf() + b"%" * (1024 * 1024), "扫描件.pdf")
    assert error.extra["reason"] == "too_large" and "1 MB" in error.message_zh and "1 MB" in error.message_en


def test_an_executable_renamed_pdf_is_refused_naming_what_it_really_is(city, draft):
    for payload in (uploads.windows_exe(), uploads.elf()):
        error = _refused(city, draft, payload, "居住证明.pdf")
        assert error.extra["reason"] == "wrong_type"
        assert "executable" in error.message_zh and "“居住证明.pdf”" in error.message_zh


def test_a_zip_bomb_is_refused_whatever_it_is_called(city, draft, settings):
    settings.UPLOAD_MAX_UNPACKED = 2 * 1024 * 1024
    assert _refused(city, draft, uploads.zip_bomb(), "证明.ofd").extra["reason"] == "bomb"
    error = _refused(city, draft, uploads.zip_bomb(as_ofd=False), "证明.pdf")
    assert error.extra["reason"] == "bomb" and "压缩炸弹" in error.message_zh and "zip bomb" in error.message_en


def test_a_plain_zip_archive_is_not_an_ofd_document(city, draft):
    assert _refused(city, draft, uploads.plain_zip(), "材料.ofd").extra["reason"] == "wrong_type"


def test_a_corrupt_pdf_is_refused(city, draft):
    assert _refused(city, draft, uploads.corrupt_pdf(), "证明.pdf").extra["reason"] == "corrupt"


def test_an_encrypted_pdf_is_refused_since_no_reviewer_could_open_it(city, draft):
    assert _refused(city, draft, uploads.pdf(password="123456"), "证明.pdf").extra["reason"] == "encrypted"


def test_an_image_bomb_and_a_truncated_image_are_refused(city, draft):
    assert _refused(city, draft, uploads.png_bomb(), "照片.png").extra["reason"] == "bomb"
    assert _refused(city, draft, uploads.truncated_png(), "照片.png").extra["reason"] == "corrupt"
    assert _refused(city, draft, uploads.truncated_jpeg(), "照片.jpg").extra["reason"] == "corrupt"


def test_a_truncated_image_is_refused_even_once_weasyprint_is_loaded(city, draft):
    import weasyprint  # noqa: F401 — it makes Pillow accept truncated images process-wide
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    assert _refused(city, draft, uploads.truncated_png(), "照片.png").extra["reason"] == "corrupt"
    assert _refused(city, draft, uploads.truncated_jpeg(), "照片.jpg").extra["reason"] == "corrupt"


def test_an_empty_file_is_refused(city, draft):
    assert _refused(city, draft, b"", "空.pdf").extra["reason"] == "empty"


def test_a_refused_file_keeps_the_answers_and_the_other_files(city, draft, settings):
    kept = _upload(city, draft, "近期照片", uploads.png())
    _refused(city, draft, uploads.windows_exe(), "证明.pdf")
    draft.refresh_from_db()
    assert draft.answers["phone"] == "13812345678"
    assert list(Attachment.objects.all()) == [kept]
    assert len(storages["uploads"].listdir(kept.storage_key.rsplit("/", 1)[0])[1]) == 1  # nothing half-kept


def test_a_material_the_guide_does_not_upload_or_does_not_have_is_refused(city, draft):
    with pytest.raises(Exception, match="无需上传"):
        _upload(city, draft, "居民身份证", uploads.pdf())
    with pytest.raises(NotFound):
        materials.attachment_add(
            user=city.user, draft_id=draft.pk, material_id="00000000-0000-0000-0000-000000000000",
            stream=io.BytesIO(uploads.pdf()), filename="x.pdf", size=100,
        )  # fmt: skip


def test_more_than_the_allowed_number_of_files_for_one_material_is_refused(city, draft, monkeypatch):
    monkeypatch.setattr(materials, "MAX_FILES_PER_MATERIAL", 2)
    _upload(city, draft, "近期照片", uploads.png())
    _upload(city, draft, "近期照片", uploads.jpeg())
    with pytest.raises(Exception, match="最多上传 2 个文件"):
        _upload(city, draft, "近期照片", uploads.png())


def test_another_persons_draft_and_files_are_not_found(city, draft):
    attachment = _upload(city, draft, "近期照片", uploads.png())
    stranger = person_with_account(name="王芳", realname_level=RealNameLevel.L2)
    with pytest.raises(NotFound):
        materials.attachment_add(
            user=stranger.user, draft_id=draft.pk, material_id=attachment.material_id,
            stream=io.BytesIO(uploads.png()), filename="x.png", size=100,
        )  # fmt: skip
    with pytest.raises(NotFound):
        materials.attachment_for_user(user=stranger.user, attachment_id=attachment.pk)
    with pytest.raises(NotFound):
        materials.attachment_for_user(user=stranger.user, attachment_id="not-a-uuid")


def test_the_person_a_clerk_applied_for_at_the_window_opens_the_files_of_their_application(city, item):
    clerk = staff_with_roles([Role.CLERK], department=city.medical)
    draft = services.draft_start_at_window(
        clerk_user=clerk.user, operator=f"staff:{clerk.pk}", person=city.citizen, implementation=item
    )
    data = uploads.pdf()
    scanned = materials.attachment_add(
        user=clerk.user, draft_id=draft.pk, material_id=_state(draft, "异地居住证明").material.pk,
        stream=io.BytesIO(data), filename="扫描件.pdf", size=len(data),
    )  # fmt: skip
    services.draft_save(user=clerk.user, draft_id=draft.pk, answers={"household_number": "H00012"}, page="applicant")
    services.draft_save(user=clerk.user, draft_id=draft.pk, answers=FILING, page="filing")
    services.application_submit(user=clerk.user, draft_id=draft.pk, consent=[], declaration=True)
    assert materials.attachment_for_user(user=city.user, attachment_id=scanned.pk) == scanned
    with pytest.raises(NotFound):
        materials.attachment_for_user(user=person_with_account(name="王芳").user, attachment_id=scanned.pk)


def test_purging_an_expired_draft_deletes_its_files(city, draft):
    attachment = _upload(city, draft, "近期照片", uploads.png())
    Draft.objects.filter(pk=draft.pk).update(expires_at="2000-01-01T00:00:00Z")
    assert services.drafts_purge() == 1
    assert not Attachment.objects.exists() and not storages["uploads"].exists(attachment.storage_key)


# --- the page ---------------------------------------------------------------------------------------------


def _post(client, draft: Draft, name: str, data: bytes, filename: str):  # type: ignore[no-untyped-def]
    upload = io.BytesIO(data)
    upload.name = filename
    return client.post(
        reverse("forms:materials", args=[draft.pk]),
        {"material": str(_state(draft, name).material.pk), "file": upload},
    )


def test_the_page_uploads_a_file_and_serves_it_back_only_to_its_applicant_safely(client, city, draft):
    client.force_login(city.user)
    page = client.get(reverse("forms:materials", args=[draft.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "异地居住证明" in body and "免提交" in body and "在线填写，无需上传" in body and "原件到窗口核验" in body
    answer = _post(client, draft, "异地居住证明", uploads.pdf(), "合同.pdf")
    assert answer.status_code == 302
    attachment = Attachment.objects.get()
    served = client.get(reverse("forms:file", args=[attachment.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert served["X-Content-Type-Options"] == "nosniff" and "sandbox" in served["Content-Security-Policy"]
    client.force_login(person_with_account(name="王芳", realname_level=RealNameLevel.L2).user)
    assert client.get(reverse("forms:file", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("forms:materials", args=[draft.pk])).status_code == 404


def test_a_bad_file_on_the_page_is_named_beside_its_material_and_nothing_is_lost(client, city, draft):
    client.force_login(city.user)
    _post(client, draft, "近期照片", uploads.png(), "照片.png")
    answer = _post(client, draft, "异地居住证明", uploads.windows_exe(), "证明.pdf")
    assert answer.status_code == 422
    body = answer.content.decode()
    assert "“证明.pdf”不是 PDF、JPG、PNG 或 OFD 文件" in body and 'aria-invalid="true"' in body
    assert "照片.png" in body and Attachment.objects.count() == 1


def test_an_upload_over_the_limit_is_cut_off_while_it_arrives_and_named(client, city, draft, settings):
    settings.UPLOAD_MAX_BYTES = 256 * 1024
    client.force_login(city.user)
    answer = _post(client, draft, "异地居住证明", uploads.pdf() + b"%" * (2 * 1024 * 1024), "大文件.pdf")
    assert answer.status_code == 422
    assert "“大文件.pdf”超过 256 KB" in answer.content.decode() and not Attachment.objects.exists()


def test_the_check_page_lists_the_missing_material_with_a_link_to_upload_it(client, city, draft):
    client.force_login(city.user)
    answer = client.post(reverse("forms:check", args=[draft.pk]), {"declaration": "1"})
    assert answer.status_code == 422 and not Submission.objects.exists()
    body = answer.content.decode()
    assert "请上传材料：异地居住证明" in body
    assert f"{reverse('forms:materials', args=[draft.pk])}#{_state(draft, '异地居住证明').key}" in body
