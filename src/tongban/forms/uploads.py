"""What an uploaded material really is, decided from its bytes before anything is kept (DESIGN §6).

Accepted: PDF, JPEG, PNG and OFD (GB/T 33190, the national layout format: a ZIP container). The name
the uploader gave counts for nothing — libmagic names the content, and each kind is then opened the way
a reviewer's viewer would open it: a PDF must parse and have pages (and not be encrypted, or nobody can
review it), an image must decode within a pixel budget (a decompression bomb fails), an OFD container
must unpack within a size budget with no entry escaping its folder (a zip bomb fails). Each refusal
names the file and the reason, in Chinese and English.
"""

from __future__ import annotations

import hashlib
import io
import warnings
import zipfile
from dataclasses import dataclass
from typing import IO, Any

import magic
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from tongban.core.errors import InvalidInput

MAX_IMAGE_PIXELS = 60_000_000  # a 60-megapixel scan is already far beyond what a reviewer needs
MAX_OFD_ENTRIES = 2000
MAX_NAME = 200

KINDS = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png", "ofd": "application/ofd"}
_BY_MIME = {
    "application/pdf": "pdf",
    "image/jpeg": "jpeg",
    "image/png": "png",
    "application/zip": "ofd",  # libmagic knows OFD only as a ZIP; the container check decides
    "application/ofd": "ofd",
}


class UploadRejected(InvalidInput):
    code = "upload_rejected"
    default_zh = "文件不能上传"
    default_en = "The file cannot be uploaded"


@dataclass(frozen=True)
class Inspected:
    kind: str  # one of KINDS
    content_type: str
    size: int
    sha256: str
    pages: int | None  # PDF pages; None for images and OFD
    filename: str


def clean_filename(name: str) -> str:
    """The uploader's name, for display only: no folders, no control characters, bounded length."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip() or "未命名文件"
    return base[-MAX_NAME:]


def _refuse(filename: str, zh: str, en: str, *, reason: str) -> UploadRejected:
    return UploadRejected(f"“{filename}”{zh}", f"“{filename}”: {en}", reason=reason)


def _what_it_is(head: bytes) -> tuple[str, str]:
    return magic.from_buffer(head, mime=True), magic.from_buffer(head)


def inspect_upload(*, filename: str, stream: IO[bytes], size: int) -> Inspected:
    """Decide what the upload is, or raise UploadRejected saying why not (too big, empty, not an accepted
    kind, corrupt, encrypted, a bomb)."""
    name = clean_filename(filename)
    limit = settings.UPLOAD_MAX_BYTES
    data = stream.read(limit + 1) if size <= limit else b""
    if size > limit or len(data) > limit:  # the declared size may lie
        raise too_large_error(name)
    if not data:
        raise _refuse(name, "是空文件", "is empty", reason="empty")
    mime, description = _what_it_is(data[:8192])
    kind = _BY_MIME.get(mime)
    if kind is None:
        raise _refuse(
            name, f"不是 PDF、JPG、PNG 或 OFD 文件（文件内容为：{description}），请上传扫描件或电子文件",
            f"is not a PDF, JPG, PNG or OFD file (its content is: {description})", reason="wrong_type",
        )  # fmt: skip
    pages = {"pdf": _check_pdf, "jpeg": _check_image, "png": _check_image, "ofd": _check_ofd}[kind](name, data)
    return Inspected(
        kind=kind, content_type=KINDS[kind], size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        pages=pages, filename=name,
    )  # fmt: skip


def _check_pdf(name: str, data: bytes) -> int:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns on every repairable flaw; only failure matters
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise _refuse(
                    name, "已加密，审查人员无法打开，请上传未加密的文件",
                    "is encrypted, so a reviewer cannot open it; upload it without a password", reason="encrypted",
                )  # fmt: skip
            pages = len(reader.pages)
            for page in reader.pages:
                page.mediabox  # noqa: B018 — touching every page parses its object; a broken one raises
    except UploadRejected:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        pages = 0
    if pages == 0:
        raise _refuse(
            name, "已损坏，无法打开，请重新扫描或导出后上传",
            "is damaged and cannot be opened; scan or export it again", reason="corrupt",
        )  # fmt: skip
    return pages


def _check_image(name: str, data: bytes) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise Image.DecompressionBombError("too many pixels")
                jpeg = image.format == "JPEG"
                image.verify()  # PNG: every chunk and its checksum, up to the end marker
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # decode it all
        # WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process, so decoding alone passes a
        # truncated JPEG: it must end with its end-of-image marker.
        if jpeg and not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
            raise OSError("truncated JPEG")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            name, "像素过多，请降低分辨率后上传", "has far too many pixels; lower the resolution", reason="bomb"
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise _refuse(
            name, "已损坏，无法打开，请重新拍摄或扫描", "is damaged and cannot be opened; take or scan it again",
            reason="corrupt",
        ) from None  # fmt: skip


def _zip_bomb(name: str) -> UploadRejected:
    return _refuse(
        name, "解压后体积过大（疑似压缩炸弹），不能上传", "unpacks to far too much data (a zip bomb?)", reason="bomb"
    )


def _check_ofd(name: str, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_OFD_ENTRIES:
                raise _refuse(name, "包含的文件过多", "contains too many entries", reason="bomb")
            if sum(entry.file_size for entry in entries) > settings.UPLOAD_MAX_UNPACKED:
                raise _zip_bomb(name)
            for entry in entries:
                path = entry.filename
                if path.startswith(("/", "\\")) or ".." in path.replace("\\", "/").split("/"):
                    raise _refuse(name, "包含非法路径", "contains an entry outside its folder", reason="unsafe_path")
            if "OFD.xml" not in {entry.filename for entry in entries}:
                raise _refuse(
                    name, "不是 OFD 文件（压缩包不能作为材料上传）", "is a ZIP archive, not an OFD document",
                    reason="wrong_type",
                )  # fmt: skip
            # The declared sizes can lie: unpack for real, stopping at the budget.
            budget = settings.UPLOAD_MAX_UNPACKED
            for entry in entries:
                with archive.open(entry) as member:
                    while chunk := member.read(1024 * 1024):
                        budget -= len(chunk)
                        if budget < 0:
                            raise _zip_bomb(name)
    except UploadRejected:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, ValueError):
        raise _refuse(name, "已损坏，无法打开", "is damaged and cannot be opened", reason="corrupt") from None


class CappedUploadHandler(FileUploadHandler):
    """Stops reading a file part once it passes the limit, so a huge upload never reaches the disk whole.
    The skipped file's name is kept on the request for the message."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            if self.request is not None:
                self.request.upload_too_large = self.file_name  # type: ignore[attr-defined]
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the file


def readable_size(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def too_large_error(filename: str) -> UploadRejected:
    limit = readable_size(settings.UPLOAD_MAX_BYTES)
    return _refuse(
        clean_filename(filename), f"超过 {limit}，请压缩或分成几个文件上传",
        f"larger than {limit}; compress it or split it into several files", reason="too_large",
    )  # fmt: skip


def posted_file(request: HttpRequest, field: str = "file") -> UploadedFile:
    """The file a form posted, or why there is none: cut off by CappedUploadHandler for its size, or not chosen."""
    upload = request.FILES.get(field)
    if upload is not None:
        return upload
    too_large = getattr(request, "upload_too_large", None)
    if too_large:
        raise too_large_error(too_large)
    raise UploadRejected("请选择要上传的文件", "Choose a file to upload", reason="no_file")
