"""A report as an .xlsx workbook: one sheet for the indicators, one per breakdown."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from kefu.metrics import formatting, standards
from kefu.metrics.reports import AGENT_COLUMNS, QUEUE_COLUMNS, Report

KIND_TITLES = {"daily": "Daily report", "weekly": "Weekly report", "monthly": "Monthly report"}
STATUS_TITLES = {
    "good": "Good",
    "watch": "Watch",
    "off": "Off target",
    "not_available": "Not available",
    "unjudged": "No target",
}
EXTRA_COLUMNS = {
    "avg_talk_seconds_agent": ("Average talk time", standards.Unit.SECONDS),
    "login_hours": ("Hours logged in", standards.Unit.COUNT),
}


def _title(code: str) -> tuple[str, standards.Unit]:
    if code in EXTRA_COLUMNS:
        title, unit = EXTRA_COLUMNS[code]
        return _(title), unit
    standard = standards.BY_CODE[code]
    return str(standard.name), standard.unit


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> None:
    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width * 1.6))


def _table(
    book: Workbook,
    title: str,
    rows: list[dict[str, Any]],
    columns: tuple[str, ...],
    lead: list[str],
) -> None:
    header = [_(name.capitalize()) for name in lead] + [_title(code)[0] for code in columns]
    body = [
        [row[name] for name in lead]
        + [formatting.spreadsheet_value(row[code], _title(code)[1]) for code in columns]
        for row in rows
    ]
    _sheet(book, title, header, body)


def report_xlsx(report: Report) -> bytes:
    book = Workbook()
    book.remove(book.active)
    period = f"{report.first_day:%Y-%m-%d} – {report.last_day:%Y-%m-%d}"
    lines = [
        [
            line.name,
            formatting.spreadsheet_value(line.value, line.unit),
            formatting.spreadsheet_value(line.previous, line.unit),
            line.target,
            _(STATUS_TITLES[line.status]),
            "；".join(line.actions),
        ]
        for line in report.lines
    ]
    _sheet(
        book,
        _("Indicators"),
        [
            f"{report.scope_label} {_(KIND_TITLES[report.kind])} {period}",
            _("Value"),
            _("Previous period"),
            _("Target"),
            _("Status"),
            _("Management actions"),
        ],
        lines,
    )
    if report.queues:
        _table(book, _("Queues"), report.queues, QUEUE_COLUMNS, ["name"])
    if report.teams:
        _table(book, _("Teams"), report.teams, AGENT_COLUMNS, ["name"])
    if report.agents:
        _table(book, _("Agents"), report.agents, AGENT_COLUMNS, ["name", "team"])
    if report.trend:
        rows = [{**point, "at": _cell_time(point["at"])} for point in report.trend]
        _table(
            book,
            _("Trend"),
            rows,
            ("offered", "answered", "abandoned", "service_level", "asa_seconds"),
            ["at"],
        )
    for block in report.reasons:
        cells = [
            [row["reason"], row["count"], row["previous"], row["change"]] for row in block["top"]
        ]
        _sheet(
            book,
            _("Reasons") + f" {block['dimension']}",
            [_("Call reason"), _("Contacts"), _("Previous period"), _("Change")],
            cells,
        )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell_time(moment: dt.date | dt.datetime) -> dt.date | dt.datetime:
    """Excel has no time zones: cells hold the centre's wall-clock time."""
    if isinstance(moment, dt.datetime):
        return timezone.localtime(moment).replace(tzinfo=None)
    return moment
