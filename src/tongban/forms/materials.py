"""Application materials (申请材料): what an application's guide asks for, what was uploaded, what is missing.

The guide pinned when the application started decides (a guide published later does not change the list
under an applicant's feet). A material the government holds or issues itself — shared data, an
e-licence, an internal document — is 免提交 and never asked for; one a pledge replaces is signed for
instead; a paper-only one is shown at the window. Of the rest, a required material with no file blocks
submission and is listed with everything else missing at once (一次告知); a 容缺 one may follow after
acceptance. Files are checked by `uploads.inspect_upload` before a byte is kept.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tongban.catalog import selectors as catalog
from tongban.catalog.codes import MaterialForm, MaterialSource, Necessity
from tongban.catalog.models import GuideVersion, Material
from tongban.core.audit import audit_record
from tongban.core.errors import Conflict, DomainError, InvalidInput, NotFound
from tongban.forms import selectors
from tongban.forms.models import Attachment, Draft, Submission
from tongban.forms.uploads import UploadRejected, inspect_upload, readable_size
from tongban.identity.models import Enterprise, Person, User
from tongban.licenses import selectors as licences
from tongban.licenses.models import Licence
from tongban.licenses.sdjwt import VerifyPolicy, VerifyResult

MAX_FILES_PER_MATERIAL = 10

EXEMPT, PLEDGE, PAPER, ONLINE, UPLOAD = "exempt", "pledge", "paper", "online", "upload"


@dataclass
class MaterialState:
    material: Material
    way: str  # EXEMPT (免提交), PLEDGE (告知承诺替代), PAPER (原件窗口核验), ONLINE (在线填写), UPLOAD
    files: list[Attachment] = field(default_factory=list)
    licence: Licence | None = None  # the applicant's e-licence that stands for it (免提交, 证照代替)
    provided: dict[str, str] | None = None  # an earlier item's result stands for it (一件事): {"case", "item"}

    @property
    def licence_check(self) -> VerifyResult | None:
        """The licence verified now, signature and status (what the reviewer sees instead of a copy)."""
        if self.licence is None:
            return None
        return licences.licence_verify(presentation=self.licence.token, policy=VerifyPolicy(require_key_binding=False))

    @property
    def key(self) -> str:
        return f"material-{self.material.pk}"

    @property
    def missing(self) -> bool:
        """Required, uploadable and nothing uploaded: blocks submission."""
        return self.way == UPLOAD and self.material.necessity == Necessity.REQUIRED and not self.files

    @property
    def deferrable_missing(self) -> bool:
        """容缺: may be supplied after acceptance, with a dated promise."""
        return self.way == UPLOAD and self.material.necessity == Necessity.DEFERRABLE and not self.files


def _uploads() -> Any:
    return storages["uploads"]


def _way(material: Material) -> str:
    if material.exempt:
        return EXEMPT
    if material.source == MaterialSource.PLEDGE:
        return PLEDGE
    if material.online_form:
        return ONLINE  # the item's application form (申请表, 登记表): the online form is that form
    if material.form == MaterialForm.PAPER:
        return PAPER
    return UPLOAD


def draft_guide(draft: Draft) -> GuideVersion | None:
    """The guide the application started under (drafts from before guides were pinned: today's)."""
    if draft.guide_id is not None:
        return GuideVersion.objects.prefetch_related("materials").get(pk=draft.guide_id)
    try:
        return catalog.guide_published(draft.implementation)
    except NotFound:
        return None


def _states(
    guide: GuideVersion | None, attachments: list[Attachment], held: dict[str, Licence] | None = None,
    provided: dict[str, Any] | None = None,
) -> list[MaterialState]:  # fmt: skip
    if guide is None:
        return []
    by_material: dict[Any, list[Attachment]] = {}
    for attachment in attachments:
        by_material.setdefault(attachment.material_id, []).append(attachment)
    out = []
    for m in sorted(guide.materials.all(), key=lambda m: m.position):
        licence = (held or {}).get(str(m.pk))
        # A licence the applicant holds stands for the material, whatever the guide says of its source.
        given = (provided or {}).get(str(m.pk))
        stands_in = licence is not None or given is not None
        way = EXEMPT if stands_in and _way(m) in (UPLOAD, PAPER, EXEMPT) else _way(m)
        out.append(MaterialState(material=m, way=way, files=by_material.get(m.pk, []), licence=licence,
                                 provided=given))  # fmt: skip
    return out


def _holder(draft: Draft | Submission) -> Person | Enterprise:
    return draft.subject_enterprise or draft.subject_person or draft.agent


def licences_held(*, guide: GuideVersion | None, holder: Person | Enterprise) -> dict[str, Licence]:
    """Material id → the holder's current licence of a type that satisfies it (licence types name the
    materials they replace)."""
    if guide is None:
        return {}
    materials = list(guide.materials.all())
    found = licences.licences_for_materials(holder=holder, material_names=[m.name for m in materials])
    return {str(m.pk): found[m.name] for m in materials if m.name in found}


def material_states(*, draft: Draft) -> list[MaterialState]:
    guide = draft_guide(draft)
    held = licences_held(guide=guide, holder=_holder(draft))
    return _states(guide, list(Attachment.objects.filter(draft=draft)), held, draft.provided)


def licences_used(*, draft: Draft) -> dict[str, str]:
    """At submission: material id → identifier of the licence that stands for it, kept on the submission so the
    reviewer sees the licence the application was made with."""
    return {key: licence.identifier for key, licence in licences_held(guide=draft_guide(draft),
                                                                        holder=_holder(draft)).items()}  # fmt: skip


def submission_material_states(*, submission: Submission) -> list[MaterialState]:
    """For the window, the reviewer and the applicant's case page: the materials of the submission's guide."""
    if submission.guide_id is not None:
        guide: GuideVersion | None = GuideVersion.objects.prefetch_related("materials").get(pk=submission.guide_id)
    elif submission.draft_id is not None:
        guide = draft_guide(submission.draft)  # type: ignore[arg-type]
    else:
        try:
            guide = catalog.guide_published(submission.implementation)
        except NotFound:
            guide = None
    used = {
        key: licences.licence_find(identifier=identifier) for key, identifier in (submission.licences or {}).items()
    }
    held = {key: licence for key, licence in used.items() if licence is not None}
    return _states(guide, list(Attachment.objects.filter(submission=submission)), held, submission.provided)


def material_errors(*, draft: Draft) -> dict[str, DomainError]:
    """Every required material still missing, keyed like form fields so one summary lists them all."""
    return {
        state.key: InvalidInput(
            f"请上传材料：{state.material.name}", f"Upload the material: {state.material.name}", field=state.key
        )
        for state in material_states(draft=draft)
        if state.missing
    }


def draft_ensure_open(draft: Draft) -> None:
    if Submission.objects.filter(draft=draft).exists():
        raise Conflict("该申请已提交", "This application has already been submitted")
    if draft.expires_at <= timezone.now():
        raise Conflict("该草稿已过期，请重新申请", "This draft has expired; start a new application")


def _material_of(guide: GuideVersion | None, material_id: Any) -> Material:
    material = next((m for m in (guide.materials.all() if guide else []) if str(m.pk) == str(material_id)), None)
    if material is None:
        raise NotFound("本事项没有这项材料", "This item does not ask for that material", field="material")
    if _way(material) != UPLOAD:
        raise InvalidInput(
            f"“{material.name}”无需上传", f"“{material.name}” does not need to be uploaded", field="material"
        )
    return material


def _store(
    *, stream: IO[bytes], filename: str, size: int, material: Material, user: User, existing: list[Attachment],
    draft: Draft | None = None, submission: Submission | None = None,
) -> Attachment:  # fmt: skip
    """Check the file, then keep it: bytes first, row second, bytes removed again if the row fails."""
    if len([a for a in existing if a.material_id == material.pk]) >= MAX_FILES_PER_MATERIAL:
        raise InvalidInput(
            f"“{material.name}”最多上传 {MAX_FILES_PER_MATERIAL} 个文件",
            f"At most {MAX_FILES_PER_MATERIAL} files for “{material.name}”", field="material",
        )  # fmt: skip
    inspected = inspect_upload(filename=filename, stream=stream, size=size)
    if sum(a.size for a in existing) + inspected.size > settings.UPLOAD_MAX_PER_APPLICATION:
        limit = readable_size(settings.UPLOAD_MAX_PER_APPLICATION)
        raise UploadRejected(
            f"本次申请的材料合计超过 {limit}", f"All files of this application together exceed {limit}",
            reason="application_too_large",
        )  # fmt: skip
    stream.seek(0)
    key = f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}"
    saved = _uploads().save(key, File(stream))
    try:
        attachment = Attachment.objects.create(
            draft=draft, submission=submission, material=material, material_name=material.name,
            filename=inspected.filename, kind=inspected.kind, size=inspected.size, sha256=inspected.sha256,
            pages=inspected.pages, storage_key=saved, uploaded_by=user,
        )  # fmt: skip
    except Exception:
        _uploads().delete(saved)
        raise
    return attachment


@transaction.atomic
def attachment_add(
    *, user: User, draft_id: Any, material_id: Any, stream: IO[bytes], filename: str, size: int
) -> Attachment:
    """Upload one file for one material of a draft; what is wrong with it is said, nothing else is lost."""
    draft = selectors.draft_get_for_user(user=user, draft_id=draft_id, for_update=True)
    draft_ensure_open(draft)
    material = _material_of(draft_guide(draft), material_id)
    existing = list(Attachment.objects.filter(draft=draft))
    return _store(
        stream=stream, filename=filename, size=size, material=material, user=user, existing=existing, draft=draft
    )


@transaction.atomic
def attachment_remove(*, user: User, draft_id: Any, attachment_id: Any) -> None:
    draft = selectors.draft_get_for_user(user=user, draft_id=draft_id, for_update=True)
    draft_ensure_open(draft)
    attachment = _attachment_in(Attachment.objects.filter(draft=draft), attachment_id)
    key = attachment.storage_key
    attachment.delete()
    transaction.on_commit(lambda: _uploads().delete(key))


@transaction.atomic
def submission_attachment_add(
    *, user: User, submission: Submission, material_id: Any, stream: IO[bytes], filename: str, size: int
) -> Attachment:
    """A file added after submission, answering a correction notice or supplying a 容缺 material. The caller
    (cases) decides who may add one and that the case awaits it; this checks the material and the file."""
    Submission.objects.select_for_update().filter(pk=submission.pk).first()  # one upload at a time per case
    states = submission_material_states(submission=submission)
    guide_materials = [s.material for s in states]
    material = next((m for m in guide_materials if str(m.pk) == str(material_id)), None)
    if material is None or _way(material) != UPLOAD:
        raise NotFound("本事项没有这项材料", "This item does not ask for that material", field="material")
    existing = [a for s in states for a in s.files]
    return _store(
        stream=stream, filename=filename, size=size, material=material, user=user, existing=existing,
        submission=submission,
    )  # fmt: skip


def attachments_attach(*, draft: Draft, submission: Submission) -> int:
    """At submission (inside its transaction): the draft's files become the submission's."""
    return Attachment.objects.filter(draft=draft, submission__isnull=True).update(submission=submission)


def _attachment_in(queryset: Any, attachment_id: Any) -> Attachment:
    try:
        return queryset.get(pk=attachment_id)
    except (Attachment.DoesNotExist, ValueError, TypeError, ValidationError):  # a malformed id from a URL too
        raise NotFound("未找到该文件", "File not found") from None


def attachment_for_user(*, user: User, attachment_id: Any) -> Attachment:
    """The applicant's own file (draft or submitted); anyone else's answers as not found. An application a clerk
    made at the window is the clerk's login but the person's (its agent's) to follow, files and all."""
    mine = Q(draft__user=user) | Q(submission__user=user) | Q(submission__agent__user=user)
    return _attachment_in(Attachment.objects.filter(mine), attachment_id)


def attachment_for_submission(*, submission: Submission, attachment_id: Any) -> Attachment:
    """For staff who may see the submission (the caller checked that): one of its files."""
    return _attachment_in(Attachment.objects.filter(submission=submission), attachment_id)


def attachment_open(*, attachment: Attachment, actor: str, purpose: str) -> IO[bytes]:
    """The file's bytes; a reader other than its uploader is a use of the applicant's data, so audited."""
    if actor != f"user:{attachment.uploaded_by_id}":
        audit_record(
            action="material.viewed", actor=actor, object_type="attachment", object_id=str(attachment.pk),
            data={"material": attachment.material_name, "purpose": purpose},
        )  # fmt: skip
    return _uploads().open(attachment.storage_key, "rb")


def drafts_files_purge(*, drafts: Any) -> int:
    """Files of drafts about to be deleted unsubmitted: gone with them (after commit)."""
    doomed = list(Attachment.objects.filter(draft__in=drafts, submission__isnull=True))
    keys = [a.storage_key for a in doomed]
    Attachment.objects.filter(pk__in=[a.pk for a in doomed]).delete()
    transaction.on_commit(lambda: [_uploads().delete(k) for k in keys])
    return len(keys)
