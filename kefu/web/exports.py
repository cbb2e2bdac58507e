"""Lists leave as .xlsx workbooks, the format every centre's reports are passed on in."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from io import BytesIO
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

EXPORT_LIMIT = 10_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def local(moment: datetime | None) -> datetime | None:
    """Excel has no time zones: cells hold the centre's wall-clock time."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


Sheet = tuple[str, Sequence[Any], Iterable[Sequence[Any]]]


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of (title, header, rows) sheets; every export writes its cells here."""
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(str(title)[:31])
        sheet.append([str(cell) for cell in header])
        for row in rows:
            sheet.append(list(row))
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
