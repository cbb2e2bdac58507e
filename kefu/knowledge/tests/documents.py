"""Documents the import tests bring, built here (python-docx, zipfile) rather than kept
as binary files: each test says what is in them."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable

import docx
from docx.document import Document as WordDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Inches


def png(width: int = 2, height: int = 2) -> bytes:
    """A real PNG, red, `width`×`height` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def bmp(width: int = 2, height: int = 2) -> bytes:
    """A real Windows bitmap, which Word accepts and kefu does not attach."""
    row = (b"\x00\x00\xff" * width).ljust((width * 3 + 3) // 4 * 4, b"\x00")
    pixels = row * height
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + 40 + len(pixels), 0, 0, 54) + info + pixels


def word(build: Callable[[WordDocument], object]) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _nested_numbering(document: WordDocument) -> int:
    """A list definition of three levels (numbered, bulleted, numbered), as Word writes
    for a list with sub-items; its number."""
    levels = "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="%{level + 1}."/></w:lvl>'
        for level, fmt in enumerate(["decimal", "bullet", "decimal"])
    )
    numbering = document.part.numbering_part.element
    numbering.insert(
        0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{levels}</w:abstractNum>')
    )
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    return 90


def list_item(document: WordDocument, text: str, level: int, number: int) -> None:
    paragraph = document.add_paragraph(text)
    numbered = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numbered.get_or_add_ilvl().val = level
    numbered.get_or_add_numId().val = number


def outage_procedure(document: WordDocument) -> None:
    """A procedure as a centre writes it in Word: a title, headings, bold, a bulleted
    list, a numbered list with sub-items, a table and a picture."""
    document.add_paragraph("停电报修处理流程", style="Title")
    document.add_heading("一、受理", level=1)
    paragraph = document.add_paragraph("客户来电时先核实")
    paragraph.add_run("户号").bold = True
    paragraph.add_run("和停电地址。")
    document.add_paragraph("询问停电范围", style="List Bullet")
    document.add_paragraph("询问是否欠费", style="List Bullet")
    document.add_heading("二、派单", level=2)
    number = _nested_numbering(document)
    list_item(document, "登记工单", 0, number)
    list_item(document, "城区派往抢修一班", 1, number)
    list_item(document, "农村派往供电所", 1, number)
    list_item(document, "回访客户", 0, number)
    table = document.add_table(rows=3, cols=2)
    for row, cells in enumerate([("区域", "到达时限"), ("城区", "45 分钟"), ("农村", "90 分钟")]):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    document.add_picture(io.BytesIO(png()), width=Inches(1))
    document.add_paragraph("处理完毕后告知客户。")


class _LocalName(zipfile.ZipInfo):
    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        return self.filename.encode("cp437"), self.flag_bits


def zipped(files: dict[str, bytes], *, utf8_names: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            if utf8_names:
                archive.writestr(name, content)
            else:
                # As archivers on Chinese Windows write names: GBK bytes, no UTF-8 flag.
                info = _LocalName(name.encode("gbk").decode("cp437"))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, content)
    return buffer.getvalue()


def entity_bomb() -> bytes:
    """A Word document whose text is "billion laughs": nine levels of XML entities, each
    ten of the one below, a few hundred bytes that a parser would expand into gigabytes."""
    source = zipfile.ZipFile(io.BytesIO(word(outage_procedure)))
    levels = "".join(
        f'<!ENTITY lol{level} "{(f"&lol{level - 1};" if level > 1 else "lol") * 10}">'
        for level in range(1, 10)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                text = data.decode()
                text = text[text.index("<w:document") :].replace("停电报修处理流程", "&lol9;", 1)
                data = f'<?xml version="1.0"?><!DOCTYPE d [{levels}]>{text}'.encode()
            package.writestr(info, data)
    return buffer.getvalue()
