"""Lists leave as .xlsx workbooks, the format every centre's reports are passed on in.

Every spreadsheet or CSV file kefu writes goes through `cell` (or `cells`): text that a
spreadsheet program would read as a formula is neutralised here, in one place. Every sheet
gets `finish_sheet`: its header row stays in view and carries filters. People are named as
users know them (`person`), files in the user's language (`attachment`).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from io import BytesIO
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet
    from openpyxl.worksheet.worksheet import Worksheet

    from kefu.core.models import User

EXPORT_LIMIT = 10_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# OWASP's rule against formula ("CSV") injection: a cell that begins with one of these is
# read by Excel, WPS and LibreOffice as a formula (or a DDE call), in .xlsx as in .csv.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Text that is a plain number ("-5", "+3.25") cannot call anything and keeps its value.
PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def cell(value: Any) -> Any:
    """The value as a spreadsheet cell that holds data, never a formula: numbers, dates and
    empty cells as they are; text beginning with a formula trigger gets a leading
    apostrophe, the mark spreadsheets use for "this is text"."""
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date | dt.time):
        return value
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def cells(row: Iterable[Any]) -> list[Any]:
    return [cell(value) for value in row]


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


class CsvWriter:
    """`csv.writer` whose every field goes through `cell`; use it for any CSV kefu writes."""

    def __init__(self, stream: _Writable, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(cells(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def local(moment: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: cells hold the centre's wall-clock time."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def person(user: User | None) -> str:
    """A member of staff as colleagues know them: the full name, the user name only for an
    account that has none."""
    if user is None:
        return ""
    return user.full_name or user.username


def finish_sheet(sheet: Worksheet | WriteOnlyWorksheet, *, columns: int, rows: int) -> None:
    """The header row stays in view while scrolling and carries Excel's filters over the
    whole table (`rows` counts the header). A write-only sheet writes its panes with its
    first row, so it is called before the rows too (`xlsx_bytes`)."""
    sheet.freeze_panes = "A2"
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(rows, 1)}"


Sheet = tuple[str, Sequence[Any], Iterable[Sequence[Any]]]


def _width(value: Any) -> float:
    """A column's width in Excel's units: a Chinese character takes two."""
    text = str(value or "")
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text) + 2


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of (title, header, rows) sheets; every export writes its cells here."""
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(str(title)[:31])
        for index, heading in enumerate(header, start=1):
            width = min(40.0, max(10.0, _width(heading)))
            sheet.column_dimensions[get_column_letter(index)].width = width
        finish_sheet(sheet, columns=0, rows=0)
        sheet.append(cells(header))
        count = 1
        for row in rows:
            sheet.append(cells(row))
            count += 1
        finish_sheet(sheet, columns=len(header), rows=count)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# What no file name may hold on Windows, macOS or Linux, nor a header: replaced by "_".
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def attachment(filename: str, *, fallback: str) -> str:
    """Content-Disposition of a download named in the user's language (a Chinese name as
    RFC 6266 and RFC 5987 give it, `filename*=UTF-8''…`), with `fallback`, an ASCII name,
    for the rare client that reads only `filename`."""
    name = _UNSAFE.sub("_", filename).strip() or fallback
    plain = _UNSAFE.sub("_", fallback).encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def dated(title: str, extension: str) -> str:
    """A download's name: its title and today's date, `工单-20261205.xlsx`."""
    return f"{title}-{timezone.localdate():%Y%m%d}.{extension}"


def xlsx_download(title: str, content: bytes, *, fallback: str) -> HttpResponse:
    """The workbook as a download named `title`-date.xlsx; `fallback` is its ASCII name."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = attachment(
        dated(title, "xlsx"), fallback=dated(fallback, "xlsx")
    )
    return response


def xlsx_response(
    title: str,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    fallback: str,
    sheet_title: str | None = None,
) -> HttpResponse:
    """One list as a one-sheet workbook: the file and its sheet named `title`."""
    return xlsx_download(
        title, xlsx_bytes([(sheet_title or title, header, rows)]), fallback=fallback
    )
