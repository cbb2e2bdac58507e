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


def xlsx_response(
    name: str, sheet_title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(sheet_title)[:31])
    sheet.append([str(cell) for cell in header])
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    return response
