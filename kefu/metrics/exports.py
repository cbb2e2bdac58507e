"""A report as an .xlsx workbook: one sheet for the indicators, one per breakdown."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Font

from kefu.core.exports import cells, finish_sheet, local
from kefu.metrics import formatting, standards
from kefu.metrics.reports import AGENT_COLUMNS, QUEUE_COLUMNS, REASON_TITLES, Report
from kefu.tickets.stages import STAGE_LABELS

# Marked with gettext_noop so that extraction finds them; translated where they are used.
KIND_TITLES = {
    "daily": gettext_noop("Daily report"),
    "weekly": gettext_noop("Weekly report"),
    "monthly": gettext_noop("Monthly report"),
}
STATUS_TITLES = {
    "good": gettext_noop("Good"),
    "watch": gettext_noop("Watch"),
    "off": gettext_noop("Off target"),
    "not_available": gettext_noop("Not available"),
    "unjudged": gettext_noop("No target"),
}
EXTRA_COLUMNS = {
    "login_hours": (gettext_noop("Hours logged in"), standards.Unit.COUNT),
}
# Other figures keep Excel's general format, which shows them as rounded.
NUMBER_FORMATS = {standards.Unit.RATE: "0.0%", standards.Unit.MONEY: "#,##0.00"}


def column_title(code: str) -> tuple[str, standards.Unit]:
    """The heading and unit of a breakdown column: a standard, or one of the extra columns."""
    if code in EXTRA_COLUMNS:
        title, unit = EXTRA_COLUMNS[code]
        return _(title), unit
    standard = standards.BY_CODE[code]
    return str(standard.name), standard.unit


def _sheet(
    book: Workbook,
    title: str,
    header: list[str],
    rows: list[list[Any]],
    units: list[list[standards.Unit | str | None]] | None = None,
) -> None:
    """`units` (parallel to `rows`) gives each figure its number format: rates are kept as
    fractions, so without one 85 % would read 0.85."""
    sheet = book.create_sheet(title[:31])
    sheet.append(cells(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, row in enumerate(rows):
        sheet.append(cells(row))
        for cell, unit in zip(sheet[sheet.max_row], units[index] if units else (), strict=False):
            number_format = NUMBER_FORMATS.get(standards.Unit(unit)) if unit else None
            if number_format and isinstance(cell.value, int | float):
                cell.number_format = number_format
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width * 1.6))
    finish_sheet(sheet, columns=len(header), rows=len(rows) + 1)


def report_filename(report: Report) -> str:
    """The workbook's name in the user's language: 日报-20261130.xlsx, a narrower report
    with its scope (日报-20261130-班组 一班.xlsx)."""
    name = f"{_(KIND_TITLES[report.kind])}-{report.first_day:%Y%m%d}"
    if report.scope != "centre":
        name += f"-{report.scope_label}"
    return f"{name}.xlsx"


def _table(
    book: Workbook,
    title: str,
    rows: list[dict[str, Any]],
    columns: tuple[str, ...],
    lead: list[tuple[str, str]],
) -> None:
    """`lead` names the label columns before the figures, as (key, untranslated title)."""
    header = [_(title) for _key, title in lead] + [column_title(code)[0] for code in columns]
    body = [
        [row[name] for name, _title in lead]
        + [formatting.spreadsheet_value(row[code], column_title(code)[1]) for code in columns]
        for row in rows
    ]
    units: list[standards.Unit | str | None] = [None] * len(lead)
    units += [column_title(code)[1] for code in columns]
    _sheet(book, title, header, body, [units] * len(body))


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
            line.note,
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
            _("Counting rule"),
            _("Management actions"),
        ],
        lines,
        [[None, line.unit, line.unit] for line in report.lines],
    )
    if report.queues:
        _table(book, _("Queues"), report.queues, QUEUE_COLUMNS, [("name", gettext_noop("Queue"))])
    if report.teams:
        _table(book, _("Teams"), report.teams, AGENT_COLUMNS, [("name", gettext_noop("Team"))])
    if report.agents:
        lead = [("name", gettext_noop("Agent")), ("team", gettext_noop("Team"))]
        _table(book, _("Agents"), report.agents, AGENT_COLUMNS, lead)
    if report.trend:
        # Days stay dates; intervals become the centre's wall-clock time.
        rows = [
            {
                **point,
                "at": local(point["at"]) if isinstance(point["at"], dt.datetime) else point["at"],
            }
            for point in report.trend
        ]
        _table(
            book,
            _("Trend"),
            rows,
            ("offered", "answered", "abandoned", "service_level", "asa_seconds"),
            [("at", gettext_noop("Time"))],
        )
    if report.stages:
        _sheet(
            book,
            _("On-time rate per stage"),
            [_("Stage"), _("Stages ended"), _("Of them overdue"), _("On-time rate")],
            [
                [
                    str(STAGE_LABELS.get(row["stage"], row["stage"])),
                    row["ended"],
                    row["overdue"],
                    formatting.spreadsheet_value(row["on_time_rate"], standards.Unit.RATE),
                ]
                for row in report.stages
            ],
        )
    for section in report.sections:
        _sheet(
            book,
            section.title,
            [section.title, _("Value"), _("Note")],
            [
                [figure.label, formatting.spreadsheet_value(figure.value, figure.unit), figure.note]
                for figure in section.figures
            ],
            [[None, figure.unit] for figure in section.figures],
        )
    for block in report.reasons:
        cells = [
            [row["reason"], row["count"], row["previous"], row["change"]] for row in block["top"]
        ]
        _sheet(
            book,
            _("Reasons") + " " + _(REASON_TITLES[block["dimension"]]),
            [_("Call reason"), _("Number of contacts"), _("Previous period"), _("Change")],
            cells,
        )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
