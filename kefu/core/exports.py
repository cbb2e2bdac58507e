"""Lists leave as .xlsx workbooks, the format every centre's reports are passed on in.

Every spreadsheet or CSV file kefu writes goes through `cell` (or `cells`): text that a
spreadsheet program would read as a formula is neutralised here, in one place.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from io import BytesIO
from typing import Any, Protocol

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

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


Sheet = tuple[str, Sequence[Any], Iterable[Sequence[Any]]]


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of (title, header, rows) sheets; every export writes its cells here."""
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(str(title)[:31])
        sheet.append(cells(header))
        for row in rows:
            sheet.append(cells(row))
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_download(name: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response


def xlsx_response(
    name: str, sheet_title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    return xlsx_download(name, xlsx_bytes([(sheet_title, header, rows)]))
