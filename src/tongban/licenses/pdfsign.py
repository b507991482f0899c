"""The licence PDF's embedded signature (issue 6 part 3b): each issuing department signs with an X.509
certificate that its region's licence document CA issued, so a PDF reader or `pdfsig` checks the seal on
the document itself, and a verifier that trusts the region's root (published beside the trust list) knows
whose it is.

Document keys are ECDSA P-256, not the Ed25519 of the tokens: poppler/NSS on Debian 12 (and common PDF
readers) do not verify Ed25519 CMS signatures — checked: `pdfsig` answers "Document isn't signed or
corrupted data" for pyHanko's Ed25519 signature and "Signature is Valid" for P-256. Private halves are
sealed under the seal KEK like the token keys (licenses.seal), the key's serial as associated data.
Rotation retires a department's key; what it signed still validates against the same root.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import transaction
from django.utils import timezone

from tongban.identity.models import Department, Region
from tongban.licenses.codes import SealKeyState
from tongban.licenses.models import DocumentKey
from tongban.licenses.seal import kek_open, kek_seal

DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")  # id-kp-documentSigning (RFC 9336)
T = TypeVar("T")
ROOT_YEARS = 20
SIGNER_YEARS = 5


def _name(common: str, region: Region) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, region.name),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _private_bytes(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())  # fmt: skip


def _key_of(row: DocumentKey) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_der_private_key(kek_open(bytes(row.private_sealed), aad=row.serial.encode()), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def _certificate(row: DocumentKey) -> x509.Certificate:
    return x509.load_der_x509_certificate(bytes(row.certificate))


def _store(
    *, region: Region, department: Department | None, build: x509.CertificateBuilder,
    key: ec.EllipticCurvePrivateKey, signer: ec.EllipticCurvePrivateKey, serial: int,
) -> DocumentKey:  # fmt: skip
    certificate = build.sign(signer, hashes.SHA256())
    hex_serial = f"{serial:x}"
    return DocumentKey.objects.create(
        region=region, department=department, serial=hex_serial,
        certificate=certificate.public_bytes(serialization.Encoding.DER),
        private_sealed=kek_seal(_private_bytes(key), aad=hex_serial.encode()),
        not_after=certificate.not_valid_after_utc,
    )  # fmt: skip


def _builder(*, subject: x509.Name, issuer: x509.Name, key: ec.EllipticCurvePrivateKey, years: int,
             serial: int) -> x509.CertificateBuilder:  # fmt: skip
    now = timezone.now()
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )


def _root(region: Region) -> DocumentKey:
    found = DocumentKey.objects.filter(region=region, department=None, state=SealKeyState.ACTIVE).first()
    if found is not None:
        return found
    key, serial = ec.generate_private_key(ec.SECP256R1()), x509.random_serial_number()
    name = _name(f"{region.name}电子证照文档签章根证书", region)
    build = (
        _builder(subject=name, issuer=name, key=key, years=ROOT_YEARS, serial=serial)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
    )  # fmt: skip
    return _store(region=region, department=None, build=build, key=key, signer=key, serial=serial)


def _issue(department: Department) -> DocumentKey:
    region = department.region
    root = _root(region)
    root_certificate = _certificate(root)
    key, serial = ec.generate_private_key(ec.SECP256R1()), x509.random_serial_number()
    build = (
        _builder(subject=_name(department.name, region), issuer=root_certificate.subject, key=key,
                 years=SIGNER_YEARS, serial=serial)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([DOCUMENT_SIGNING]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(_key_of(root).public_key()),
                       critical=False)
    )  # fmt: skip
    return _store(region=region, department=department, build=build, key=key, signer=_key_of(root), serial=serial)


def document_key_for(*, department: Department) -> DocumentKey:
    """The department's active document-signing key, made (with its region's root) on first use."""
    with transaction.atomic():
        Department.objects.select_for_update().filter(pk=department.pk).first()  # one key made at a time
        found = DocumentKey.objects.filter(department=department, state=SealKeyState.ACTIVE).first()
        return found or _issue(department)


def document_key_rotate(*, department: Department) -> DocumentKey:
    """Retire the department's document key and issue a new one; PDFs the old one signed still validate."""
    with transaction.atomic():
        Department.objects.select_for_update().filter(pk=department.pk).first()
        DocumentKey.objects.filter(department=department, state=SealKeyState.ACTIVE).update(
            state=SealKeyState.RETIRED, retired_at=timezone.now()
        )
        return _issue(department)


def document_roots(*, region: Region | None = None) -> list[x509.Certificate]:
    """The roots a verifier of licence PDFs trusts: every region's, or one region's (retired ones included)."""
    rows = DocumentKey.objects.filter(department=None)
    if region is not None:
        rows = rows.filter(region=region)
    return [_certificate(row) for row in rows]


def document_root_pem(*, region: Region) -> bytes:
    """The region's root certificate, PEM, to publish beside the trust list."""
    return _certificate(_root(region)).public_bytes(serialization.Encoding.PEM)


def pdf_sign(*, pdf: bytes, department: Department, reason: str, location: str = "") -> bytes:
    """The PDF with the department's signature embedded (PAdES baseline B, SHA-256)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    row = document_key_for(department=department)
    root = DocumentKey.objects.get(region=row.region_id, department=None, state=SealKeyState.ACTIVE)
    signing_cert = asn1_x509.Certificate.load(bytes(row.certificate))
    chain = [signing_cert, asn1_x509.Certificate.load(bytes(root.certificate))]
    signer = signers.SimpleSigner(
        signing_cert=signing_cert, signing_key=asn1_keys.PrivateKeyInfo.load(_private_bytes(_key_of(row))),
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )  # fmt: skip
    meta = signers.PdfSignatureMetadata(
        field_name=f"Seal-{secrets.token_hex(4)}", reason=reason, location=location, md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
    )  # fmt: skip
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer)
    return out.getvalue()  # type: ignore[no-any-return]


def _outside_any_event_loop(call: Callable[[], T]) -> T:
    """pyHanko's validator runs asyncio.run(): inside a running loop (an async view, a browser test's thread)
    it is given a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


@dataclass(frozen=True)
class PdfCheck:
    """What a licence PDF's signature says: intact (the bytes are what was signed), covering the whole file,
    trusted (its certificate chains to a licence document root), and by whom."""

    signed: bool
    intact: bool = False
    whole_file: bool = False
    trusted: bool = False
    signer: str = ""
    signed_at: dt.datetime | None = None

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.whole_file and self.trusted


def pdf_signature_check(*, pdf: bytes, roots: list[x509.Certificate] | None = None) -> PdfCheck:
    """Validate the PDF's last signature against the licence document roots; a file that is not a PDF, or
    carries no signature, reads as unsigned, never an error."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError):
        return PdfCheck(signed=False)
    if not signatures:
        return PdfCheck(signed=False)
    trust = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
             for c in (roots if roots is not None else document_roots())]  # fmt: skip
    context = ValidationContext(trust_roots=trust, allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = _outside_any_event_loop(lambda: validate_pdf_signature(signatures[-1], context))
    except (ValueError, KeyError):  # pyhanko.sign.validation.errors.SignatureValidationError is a ValueError
        return PdfCheck(signed=True)
    return PdfCheck(
        signed=True, intact=bool(status.intact and status.valid),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE, trusted=bool(status.trusted),
        signer=status.signing_cert.subject.native.get("common_name", ""), signed_at=status.signer_reported_dt,
    )  # fmt: skip
