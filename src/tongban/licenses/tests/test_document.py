"""The licence PDF: rendered with its fields, seal and QR, signed inside the file by the issuing department —
checked with pyHanko's validator and, independently, with poppler's `pdfsig`."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from pypdf import PdfReader

from tongban.licenses import pdfsign
from tongban.licenses.document import check_url, licence_pdf

pytestmark = pytest.mark.django_db


def _pdfsig(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "licence.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout


def test_the_pdf_shows_the_licence_and_is_signed_by_its_department(issue, amr):
    licence = issue()
    pdf = licence_pdf(licence=licence)
    text = "".join(page.extract_text() for page in PdfReader(__import__("io").BytesIO(pdf)).pages)
    assert licence.licence_type.name.replace(" ", "") in text.replace(" ", "")
    assert licence.identifier in text.replace("\n", "").replace(" ", "")
    check = pdfsign.pdf_signature_check(pdf=pdf)
    assert check.valid and check.signer == amr.name
    assert check_url(licence).endswith(licence.identifier)


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils not installed")
def test_poppler_pdfsig_finds_the_signature_valid(issue, amr, tmp_path):
    out = _pdfsig(licence_pdf(licence=issue()), tmp_path)
    assert "Signature Validation: Signature is Valid." in out
    assert f"CN={amr.name}" in out


def test_a_changed_byte_breaks_the_signature(issue, tmp_path):
    pdf = bytearray(licence_pdf(licence=issue()))
    at = pdf.index(b"/Contents") - 400  # inside the signed range, in the page content
    pdf[at] = pdf[at] ^ 0x01
    check = pdfsign.pdf_signature_check(pdf=bytes(pdf))
    assert not check.valid
    if shutil.which("pdfsig"):
        assert "Signature is Valid." not in _pdfsig(bytes(pdf), tmp_path)


def test_a_pdf_signed_outside_our_roots_is_not_trusted(issue, amr):
    pdf = licence_pdf(licence=issue())
    check = pdfsign.pdf_signature_check(pdf=pdf, roots=[])
    assert check.signed and check.intact and not check.trusted and not check.valid


def test_not_a_pdf_or_unsigned_reads_as_unsigned(amr):
    assert pdfsign.pdf_signature_check(pdf=b"MZ\x90\x00 not a pdf") == pdfsign.PdfCheck(signed=False)
    from tongban.core.pdf import render_pdf

    unsigned = render_pdf("licenses/licence_pdf.html", {"licence": None, "rows": [], "title": "x"})
    assert not pdfsign.pdf_signature_check(pdf=unsigned).signed


def test_rotation_keeps_old_pdfs_valid_and_signs_new_ones_with_the_new_key(issue, amr):
    old_pdf = licence_pdf(licence=issue())
    old = pdfsign.document_key_for(department=amr)
    new = pdfsign.document_key_rotate(department=amr)
    assert new.serial != old.serial
    old.refresh_from_db()
    assert old.state == "retired"
    assert pdfsign.pdf_signature_check(pdf=old_pdf).valid
    assert pdfsign.pdf_signature_check(pdf=licence_pdf(licence=issue(serial="2026000124"))).valid
    assert len(pdfsign.document_roots(region=amr.region)) == 1  # one root, both signers chain to it


def test_the_private_keys_are_sealed_not_stored_in_the_clear(issue, amr):
    licence_pdf(licence=issue())
    key = pdfsign.document_key_for(department=amr)
    assert b"PRIVATE" not in bytes(key.private_sealed) and len(bytes(key.private_sealed)) > 100
    assert "private" not in repr(key).lower()
