"""Files for upload tests, made on the spot: good ones of each accepted kind and the bad ones the issue names."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image
from pypdf import PdfWriter


def pdf(pages: int = 2, *, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def corrupt_pdf() -> bytes:
    """Starts like a PDF, then nothing a reader can use: no objects, no pages."""
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def png(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 200)).save(out, "JPEG")
    return out.getvalue()


def png_bomb(side: int = 20_000) -> bytes:
    """A tiny PNG claiming 400 million pixels: one compressed row of zeros repeated (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)  # 8-bit greyscale
    pixels = zlib.compress(b"\x00" * (side + 1) * 64, 9)  # only the first rows: the header is what lies
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def truncated_png() -> bytes:
    data = png(400, 300)
    return data[: len(data) // 2]


def truncated_jpeg() -> bytes:
    data = jpeg()
    return data[: len(data) * 2 // 3]


def ofd() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", '<?xml version="1.0"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>')
        archive.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return out.getvalue()


def zip_bomb(unpacked: int = 8 * 1024 * 1024, *, as_ofd: bool = True) -> bytes:
    """Megabytes of zeros that deflate to a few kilobytes (the test lowers the unpack budget below them)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if as_ofd:
            archive.writestr("OFD.xml", "<ofd:OFD/>")
        with archive.open("Doc_0/Res/zeros.bin", "w") as member:
            block = b"\x00" * (1024 * 1024)
            for _ in range(unpacked // len(block)):
                member.write(block)
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return out.getvalue()


def windows_exe() -> bytes:
    """The start of a PE executable: the MZ header pointing at a PE signature."""
    dos = bytearray(b"MZ" + b"\x90\x00" * 29 + b"\x00" * 2)
    dos += b"\x00" * (0x3C - len(dos)) + struct.pack("<I", 0x80)
    dos += b"\x00" * (0x80 - len(dos))
    return bytes(dos) + b"PE\x00\x00" + struct.pack("<HH", 0x14C, 1) + b"\x00" * 400


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + struct.pack("<HHI", 2, 0x3E, 1) + b"\x00" * 200
