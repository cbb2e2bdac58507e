"""A spreadsheet as rows of text, streamed: .xlsx (openpyxl's read-only mode) or a CSV or
tab-separated text file in UTF-8, GB18030 (what Chinese Excel and WPS save as "CSV") or
UTF-16 (Excel's "Unicode text"). Pure: no database.

The first non-empty row is the header. Every cell arrives as text, as the person typed
it: whole numbers without ".0", dates as 2026-12-05, times as 2026-12-05 08:30. A number
of 16 digits or more arrives as `Truncated`: Excel keeps 15 significant digits, so an ID
or account number typed into a number cell has already lost its last digits, and the
only help is to say so.

Anything that is not a readable table raises `TableError` with a message for the person
who chose the file; merged cells too, since a merged cell holds one value for several
rows or columns and its meaning for the others is a guess.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

# Bounds on what a file may make us read: an .xlsx is a zip, and a small one can unpack to
# gigabytes (a "zip bomb"); a CSV line without an end would be read whole.
MAX_UNCOMPRESSED_BYTES = 2 * 1024**3
MAX_ZIP_MEMBERS = 10_000
MAX_CELL_CHARACTERS = 32_767  # Excel's own limit on a cell
MAX_COLUMNS = 200
SAMPLE_BYTES = 1024 * 1024

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls, .doc and other Office 97-2003 files
_REQUIRED_MARK = re.compile(r"[*＊]|[(（]必填[)）]")
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")
# `<mergeCell ref="A4:A5"/>`, with or without a namespace prefix, either quote.
_MERGE_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref=([\"'])([A-Z]+\d+(?::[A-Z]+\d+)?)\1"
)
_MERGE_CHUNK = 1024 * 1024
_MERGE_TAIL = 512


class TableError(Exception):
    """The file cannot be read as a table; the message says why, for the user."""

    def __init__(self, message: str, *, row: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.row = row


class Truncated(str):
    """A cell's text that was a number of 16 digits or more: Excel has cut it."""

    __slots__ = ()


@dataclass
class Table:
    """An opened table: its header's texts and its data rows, read on demand."""

    header: list[str]
    header_row: int
    rows_hint: int | None  # about how many data rows, for progress; None when unknown
    _rows: Iterator[tuple[int, list[str]]] = field(repr=False)
    _closing: list[Any] = field(default_factory=list, repr=False)
    # Whether a cell may be `Truncated` (a workbook's number cells; never a text file's).
    truncates: bool = False

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number as the spreadsheet shows it, the row's cells), blank rows left out."""
        try:
            yield from self._rows
        finally:
            self.close()

    def close(self) -> None:
        while self._closing:
            self._closing.pop().close()


def header_key(text: str) -> str:
    """A header as matched against a column's names: full-width to half-width, no spaces,
    no required mark (`*` or `（必填）`), small letters."""
    text = _REQUIRED_MARK.sub("", unicodedata.normalize("NFKC", text))
    return "".join(text.split()).lower()


def open_table(path: Path) -> Table:
    """The table in the file at `path`: an .xlsx workbook's first sheet, or a text table."""
    try:
        with path.open("rb") as stream:
            head = stream.read(8)
    except OSError as error:
        raise TableError(
            _("The file cannot be read: %(error)s") % {"error": error.strerror}
        ) from None
    if head.startswith(_XLSX_MAGIC):
        return _open_xlsx(path)
    if head.startswith(_OLE_MAGIC):
        raise TableError(
            _(
                "This is an Excel 97-2003 (.xls) file or another old Office file: save it as "
                ".xlsx (Excel workbook) or .csv and import that."
            )
        )
    return _open_text(path)


# -- text tables ----------------------------------------------------------------------------


def _encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise TableError(_("This file is not a spreadsheet: choose an .xlsx or .csv file."))
    if _decodes(sample, "utf-8"):
        return "utf-8"
    if not _decodes(sample, "gb18030"):
        raise TableError(
            _(
                "The file's text is neither UTF-8 nor GB18030 (GBK): save it from Excel or "
                "WPS as .xlsx, or as CSV in UTF-8."
            )
        )
    return "gb18030"


def _decodes(sample: bytes, encoding: str) -> bool:
    """Whether the sample is text in `encoding` (a character cut at its end is fine)."""
    try:
        codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {mark: first.count(mark) for mark in (",", "\t", ";")}
    best = max(counts, key=lambda mark: counts[mark])
    return best if counts[best] else ","


def _open_text(path: Path) -> Table:
    with path.open("rb") as stream:
        sample = stream.read(SAMPLE_BYTES)
    if not sample.strip():
        raise TableError(_("The file is empty: it has no header row and no data."))
    encoding = _encoding(sample)
    text = path.open(encoding=encoding, newline="", errors="strict")
    try:
        delimiter = _delimiter(sample.decode(encoding, errors="ignore").lstrip("\ufeff"))
        size = path.stat().st_size
        reader = csv.reader(text, delimiter=delimiter)
        records = _text_records(reader, path.name)
        header_row, header = _first_filled(records)
    except BaseException:
        text.close()
        raise
    # About how many rows: the lines in the sample, scaled to the file's size.
    hint = max(0, int(sample.count(b"\n") * size / len(sample)) - header_row)
    return Table(header, header_row, hint, _rows=records, _closing=[text])


def _text_records(reader: Any, name: str) -> Iterator[tuple[int, list[str]]]:
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            if len(record) > MAX_COLUMNS:
                raise TableError(
                    _("Row %(row)d has more than %(count)d columns: is this the right file?")
                    % {"row": number, "count": MAX_COLUMNS},
                    row=number,
                )
            # This runs for every row of a million-row file: the cells stripped in C when
            # the whole row is shorter than a cell may be (nearly every row), else one by one.
            if sum(map(len, record)) <= MAX_CELL_CHARACTERS:
                cells = list(map(str.strip, record))
            else:
                cells = [_text(value) for value in record]
            if any(cells):
                yield number, cells
    except UnicodeDecodeError:
        raise TableError(
            _("Row %(row)d is not in the file's encoding: save the whole file in UTF-8 again.")
            % {"row": number + 1},
            row=number + 1,
        ) from None
    except csv.Error as error:
        raise TableError(
            _("Row %(row)d cannot be read as CSV (%(error)s).")
            % {"row": number + 1, "error": error},
            row=number + 1,
        ) from None


def _text(value: str) -> str:
    if len(value) > MAX_CELL_CHARACTERS:
        value = value[:MAX_CELL_CHARACTERS]
    return value.strip()


def _first_filled(records: Iterator[tuple[int, list[str]]]) -> tuple[int, list[str]]:
    for number, cells in records:
        return number, cells
    raise TableError(_("The sheet is empty: it has no header row and no data."))


# -- workbooks -----------------------------------------------------------------------------


def _open_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise TableError(
            _("The workbook is damaged: open it in Excel or WPS and save it again.")
        ) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > (
            MAX_UNCOMPRESSED_BYTES
        ):
            raise TableError(_("The workbook unpacks to more than kefu reads: split the file."))
        if "xl/workbook.xml" not in archive.namelist():
            raise TableError(_("This file is not a spreadsheet: choose an .xlsx or .csv file."))
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises whatever its parsers meet
        raise TableError(
            _("The workbook is damaged: open it in Excel or WPS and save it again.")
        ) from None
    try:
        sheet = next(s for s in book.worksheets if s.sheet_state == "visible")
        _refuse_merged(book, sheet)
        rows = _sheet_records(sheet)
        header_row, header = _first_filled(rows)
    except StopIteration:
        book.close()
        raise TableError(_("The sheet is empty: it has no header row and no data.")) from None
    except BaseException:
        book.close()
        raise
    hint = sheet.max_row - header_row if isinstance(sheet.max_row, int) else None
    return Table(header, header_row, hint, _rows=rows, _closing=[book], truncates=True)


def _refuse_merged(book: Any, sheet: Any) -> None:
    """Merged cells are listed after the sheet's data (`<mergeCells>`). The sheet's XML is
    searched as bytes, a chunk at a time, for the first `<mergeCell ref=…>`: parsing the
    whole sheet as XML once more took as long as reading its rows. Text in the sheet can
    never hold the tag (its "<" is written &lt;)."""
    tail = b""
    with book._archive.open(sheet._worksheet_path) as xml:
        while chunk := xml.read(_MERGE_CHUNK):
            text = tail + chunk
            # The plain search first (a C loop): a row's every "<" would start the pattern.
            found = _MERGE_CELL.search(text) if b"mergeCell" in text else None
            if found:
                ref = found.group(2).decode("ascii")
                cell = _CELL_REF.match(ref)
                raise TableError(
                    _(
                        "The sheet has merged cells (%(cells)s): unmerge them and fill every "
                        "cell with its own value."
                    )
                    % {"cells": ref},
                    row=int(cell.group(2)) if cell else None,
                )
            tail = text[-_MERGE_TAIL:]


def _sheet_records(sheet: Any) -> Iterator[tuple[int, list[str]]]:
    for index, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if len(values) > MAX_COLUMNS:
            values = values[:MAX_COLUMNS]
        cells = [_cell_text(value) for value in values]
        if any(cells):
            yield index, cells


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return Truncated(value) if abs(value) >= 10**15 else str(value)
    if isinstance(value, float):
        if value.is_integer():
            return Truncated(f"{value:.0f}") if abs(value) >= 1e15 else str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return _text(str(value))
