"""The materials step of an online application: what the guide asks for, upload, remove, read back a file.

A refused file is named with the reason beside its material; every other file and answer stays as it was.
An upload larger than the limit is cut off while it arrives (uploads.CappedUploadHandler), so it never
fills the disk. Files are served only to their applicant here; staff read them through the case pages.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from tongban.core.errors import DomainError, NotFound
from tongban.forms import materials
from tongban.forms.models import Attachment, Draft
from tongban.forms.uploads import KINDS, CappedUploadHandler, posted_file, readable_size
from tongban.forms.views import _draft, _draft_crumbs, _submitted, _user
from tongban.identity.decorators import login_required_resume


def _page(request: HttpRequest, draft: Draft, *, errors: dict[str, DomainError] | None = None) -> HttpResponse:
    states = materials.material_states(draft=draft)
    errors = errors or {}
    context = {
        "draft": draft,
        "states": states,
        "uploadable": [s for s in states if s.way == materials.UPLOAD],
        "exempt": [s for s in states if s.way != materials.UPLOAD],
        "errors": errors,
        "error_list": [(s, errors[s.key]) for s in states if s.key in errors],
        "max_files": materials.MAX_FILES_PER_MATERIAL,
        "upload_limit": readable_size(settings.UPLOAD_MAX_BYTES),
        "breadcrumbs": _draft_crumbs(draft, (_("上传材料"), "")),
    }
    return render(request, "forms/materials.html", context, status=422 if errors else 200)


@csrf_exempt  # the token is checked below, after the capped handler is in place
def draft_materials(request: HttpRequest, draft_id: UUID) -> HttpResponse:
    request.upload_handlers.insert(0, CappedUploadHandler(request))
    return _draft_materials(request, draft_id)


@csrf_protect
@login_required_resume
def _draft_materials(request: HttpRequest, draft_id: UUID) -> HttpResponse:
    draft = _draft(request, draft_id)
    if (done := _submitted(draft)) is not None:
        return done
    if request.method != "POST":
        return _page(request, draft)
    material_id = request.POST.get("material", "")
    key = f"material-{material_id}"
    try:
        upload = posted_file(request)
        attachment = materials.attachment_add(
            user=_user(request), draft_id=draft.pk, material_id=material_id, stream=upload,
            filename=upload.name or "", size=upload.size or 0,
        )  # fmt: skip
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        return _page(request, draft, errors={key: exc})
    messages.success(
        request,
        _("已上传“%(name)s”（%(material)s）。") % {"name": attachment.filename, "material": attachment.material_name},
    )
    return redirect(f"{request.path}#{key}")


@require_POST
@login_required_resume
def draft_material_remove(request: HttpRequest, draft_id: UUID, attachment_id: UUID) -> HttpResponse:
    draft = _draft(request, draft_id)
    if (done := _submitted(draft)) is not None:
        return done
    try:
        materials.attachment_remove(user=_user(request), draft_id=draft.pk, attachment_id=attachment_id)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("文件已删除。"))
    return redirect("forms:materials", draft_id=draft.pk)


def file_response(attachment: Attachment, stream: Any) -> FileResponse:
    """Serve an uploaded file so a browser cannot be tricked into running it: the sniffed type, no sniffing,
    a sandbox, and OFD as a download (browsers have no viewer for it)."""
    response = FileResponse(
        stream,
        content_type=KINDS[attachment.kind],
        as_attachment=attachment.kind == "ofd",
        filename=attachment.filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required_resume
def own_file(request: HttpRequest, attachment_id: UUID) -> FileResponse:
    try:
        attachment = materials.attachment_for_user(user=_user(request), attachment_id=attachment_id)
    except NotFound:
        raise Http404 from None
    stream = materials.attachment_open(attachment=attachment, actor=f"user:{request.user.pk}", purpose="本人查看")
    return file_response(attachment, stream)
