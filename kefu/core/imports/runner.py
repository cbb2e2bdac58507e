"""Running an import, writing its template and exporting a kind in the same shape.

An import reads its file twice. The check pass reads every row and reports every problem,
writing nothing; a dry run stops there (or, for a kind written in one transaction, also
writes and rolls back, so its counts are exact). Only a file without problems is written,
in the write pass: in one transaction (all or nothing), or batch by batch for the kinds
that say so (`Importer.per_batch`, stated in the report) unless the kind asks for one
transaction for this file (`Importer.whole_file`). Memory stays flat however long
the file: rows are read as a stream and held a batch at a time.
"""

from __future__ import annotations

import gc
import logging
import pickle
import tempfile
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from kefu.core.errors import DomainError
from kefu.core.exports import CsvWriter, cells, finish_sheet
from kefu.core.imports.base import Column, Handout, Importer, Progress, Row, importer_class
from kefu.core.imports.reading import Table, TableError, Truncated, header_key, open_table
from kefu.core.imports.report import Report
from kefu.core.models import OrgUnit, User

log = logging.getLogger(__name__)

# New objects (allocations less deallocations) between two collections of the youngest
# generation while an import runs (`_collector_spared`); Python's default is 700.
YOUNG = 20_000


class _RollBack(Exception):
    """Leaves a dry run's transaction without keeping what it wrote."""


class _Moved(Exception):
    """The data changed between the check pass and the write pass."""


def import_file(
    kind: str,
    path: Path,
    *,
    centre: OrgUnit,
    actor: User | None,
    dry_run: bool = False,
    file_name: str = "",
    progress: Progress | None = None,
    handout: Handout | None = None,
) -> Report:
    """Import the file at `path` as `kind` into `centre`; the report says what happened.
    Never raises for anything in the file. `handout` receives what the kind hands the
    person once (`Importer.handouts`), after it is written for good; without it, that is
    dropped."""
    cls = importer_class(kind)
    report = Report(
        kind=kind,
        file_name=file_name or path.name,
        dry_run=dry_run,
        per_batch=cls.per_batch,
        batch_size=cls.batch_size if cls.per_batch else 0,
    )
    began = time.monotonic()
    try:
        if cls.tabular:
            with _collector_spared():
                handouts = _tabular(
                    cls, path, report, centre=centre, actor=actor, progress=progress
                )
            if handouts and handout is not None:
                handout(handouts)
        else:
            cls(centre=centre, actor=actor).import_file(
                path, report, dry_run=dry_run, progress=progress
            )
    except TableError as error:
        report.problem(error.row, "", error.message)
    report.seconds = round(time.monotonic() - began, 2)
    if report.written:
        from kefu.core.services import audit_record

        audit_record(
            actor=actor,
            action=f"import.{kind}",
            obj=centre,
            after={
                "file": report.file_name,
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
            },
        )
    return report


@contextmanager
def _collector_spared() -> Iterator[None]:
    """Python's cycle collector spared while an import runs, and put back as it was after.
    The objects alive before it (Django's, the app's: some 300,000) are set aside, which
    each full collection would walk again; and the youngest generation is collected after
    `YOUNG` more objects rather than 700, which a batch's rows and records pass again and
    again while they live (and then free without help). Together a sixth of a
    million-row import's CPU time (bench/import.py); what the import leaves in cycles is
    still collected."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _tabular(
    cls: type[Importer[Any]],
    path: Path,
    report: Report,
    *,
    centre: OrgUnit,
    actor: User | None,
    progress: Progress | None,
) -> list[dict[str, str]]:
    """The check pass, then (for a file without problems) the write pass; what was
    written for good of the kind's handouts."""
    checker = cls(centre=centre, actor=actor)
    table = open_table(path)
    writes = not (report.dry_run and cls.per_batch)
    spool = _Spool() if cls.spool and writes else None
    try:
        try:
            keys = _columns(cls, table, report)
            if not report.ok:
                return []
            checker.labels.update(_labels(table, keys))
            for batch in _batches(table, keys, cls.batch_size, report):
                records = checker.check(batch, report)
                report.rows += len(batch)
                if spool is not None and report.ok:
                    spool.add(len(batch), records)
                if progress:
                    progress("check", report.rows, table.rows_hint)
        finally:
            table.close()
            checker.close()
        if not report.rows and report.ok:
            report.problem(None, "", _("The sheet has a header but no data rows."))
        if not report.ok or not writes:
            return []
        # The write pass counts afresh.
        report.created = report.updated = report.unchanged = report.change_count = 0
        report.changes = []
        batches = _unspool(spool, checker.labels) if spool is not None else _reread(cls, path)
        return _write(cls, batches, report, centre=centre, actor=actor, progress=progress)
    finally:
        if spool is not None:
            spool.close()


class _Spool:
    """The check pass's records, batch by batch in a temporary file (pickled), so the
    write pass neither reads nor checks the file again and memory stays flat."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115  (closed by close())

    def add(self, rows: int, records: list[Any]) -> None:
        pickle.dump((rows, records), self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def batches(self) -> Iterator[tuple[int, list[Any]]]:
        self.file.seek(0)
        while True:
            try:
                # Our own file, written by this process a moment ago.
                yield pickle.load(self.file)  # noqa: S301
            except EOFError:
                return

    def close(self) -> None:
        self.file.close()


Batches = Callable[[Importer[Any], Report], Generator[tuple[int, list[Any]]]]


def _write(
    cls: type[Importer[Any]],
    batches: Batches,
    report: Report,
    *,
    centre: OrgUnit,
    actor: User | None,
    progress: Progress | None,
) -> list[dict[str, str]]:
    """The write pass: each batch's records (`batches`: rows, records, checked again
    against what the database may have changed since the check pass, into `moved`)
    written in one transaction for the file, or one a batch for a per-batch kind; what
    was written for good of the kind's handouts."""
    writer = cls(centre=centre, actor=actor)
    writer.writing = True
    per_batch = cls.per_batch
    if per_batch and writer.whole_file(report):
        per_batch = report.per_batch = False
        report.batch_size = 0
    handed: list[dict[str, str]] = []
    moved = Report(kind=report.kind, file_name=report.file_name, dry_run=True)
    pending = batches(writer, moved)
    done = 0
    try:
        with nullcontext() if per_batch else transaction.atomic():
            while True:
                # The batch is checked again inside the transaction that writes it.
                with transaction.atomic() if per_batch else nullcontext():
                    batch = next(pending, None)
                    if batch is None:
                        writer.finish(report)
                        break
                    rows, records = batch
                    if not moved.ok:
                        raise _Moved
                    writer.write(records, report)
                done += rows
                if per_batch:
                    report.rows_written = done
                    handed += writer.handouts
                    writer.handouts = []
                if progress:
                    progress("write", done, report.rows)
            if report.dry_run:
                raise _RollBack
            report.rows_written = done
            report.written = True
        handed += writer.handouts
    except _RollBack:
        pass
    except _Moved:
        for problem in moved.problems:
            report.problem(
                problem.row,
                problem.column,
                _("Changed while importing: %(problem)s") % {"problem": problem.message},
                problem.value,
            )
    except DomainError as error:
        # A service refused what the check pass let through: nothing of it is kept.
        if report.ok:
            report.problem(None, "", str(error.message))
    except DatabaseError as error:
        log.exception("import %s of %s failed while writing", report.kind, report.file_name)
        report.problem(None, "", _("The database refused the data (%(error)s).") % {"error": error})
    finally:
        pending.close()
        writer.close()
    if per_batch and report.rows_written and not report.written:
        report.written = True  # what landed stays, and the report says how much
    return handed


def _reread(cls: type[Importer[Any]], path: Path) -> Batches:
    """The file read and checked again, batch by batch."""

    def batches(writer: Importer[Any], moved: Report) -> Generator[tuple[int, list[Any]]]:
        table = open_table(path)
        try:
            keys = _columns(cls, table, moved)
            writer.labels.update(_labels(table, keys))
            for batch in _batches(table, keys, cls.batch_size, moved):
                yield len(batch), writer.check(batch, moved)
        finally:
            table.close()

    return batches


def _unspool(spool: _Spool, labels: dict[str, str]) -> Batches:
    """A spooling kind's records as its check pass made them, looked at again (`recheck`)."""

    def batches(writer: Importer[Any], moved: Report) -> Generator[tuple[int, list[Any]]]:
        writer.labels = dict(labels)
        for rows, spooled in spool.batches():
            yield rows, writer.recheck(spooled, moved)

    return batches


def _names(column: Column) -> set[str]:
    names = {header_key(column.key), *(header_key(alias) for alias in column.aliases)}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            names.add(header_key(str(column.header)))
    return names


def _columns(cls: type[Importer[Any]], table: Table, report: Report) -> list[str | None]:
    """Each of the file's columns as a column key (None: not one of the kind's)."""
    by_name = {name: column for column in cls.columns for name in _names(column)}
    keys: list[str | None] = []
    for index, text in enumerate(table.header):
        column = by_name.get(header_key(text)) if text else None
        if column is None:
            keys.append(None)
            if text:
                report.warn(
                    table.header_row,
                    text,
                    _("Not a column of this import: column %(letter)s is left out.")
                    % {"letter": get_column_letter(index + 1)},
                )
            continue
        if column.key in keys:
            report.problem(
                table.header_row,
                text,
                _("The column appears twice: keep one of them."),
            )
        keys.append(column.key)
    for column in cls.columns:
        if column.required and column.key not in keys:
            report.problem(
                table.header_row,
                str(column.header),
                _("A required column is missing: add a column headed “%(header)s”.")
                % {"header": column.header},
            )
    return keys


def _labels(table: Table, keys: list[str | None]) -> dict[str, str]:
    return {key: table.header[i] for i, key in enumerate(keys) if key}


def _batches(
    table: Table, keys: list[str | None], size: int, report: Report
) -> Iterator[list[Row]]:
    batch: list[Row] = []
    every = None not in keys
    for number, values in table.rows():
        if every:  # every column is the kind's: the common case, and the faster one
            row = Row(number, dict(zip(keys, values, strict=False)))  # type: ignore[arg-type]
        else:
            row = Row(number, {key: value for key, value in zip(keys, values, strict=False) if key})
        if table.truncates:
            _truncated(table, keys, row, report)
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _truncated(table: Table, keys: list[str | None], row: Row, report: Report) -> None:
    for key, value in row.values.items():
        if isinstance(value, Truncated):
            report.problem(
                row.number,
                table.header[keys.index(key)],
                _(
                    "A number of 16 digits or more has lost its last digits in a number "
                    "cell: format the column as text and type the numbers again."
                ),
                value,
            )


# -- templates and exports ------------------------------------------------------------------


def _header(column: Column, *, mark_required: bool) -> str:
    return f"{column.header}*" if mark_required and column.required else str(column.header)


def template_write(kind: str, path: Path) -> None:
    """The kind's empty template (.xlsx): the headers (required ones marked *), every
    column formatted as text so Excel keeps long numbers whole, and a sheet of
    instructions: what each column holds, whether it is required, an example."""
    cls = importer_class(kind)
    if not cls.tabular:
        cls.template_file(path)
        return
    book = Workbook()
    sheet = book.active
    sheet.title = str(cls.title)[:31]
    bold = Font(bold=True)
    required = Font(bold=True, color="C00000")
    for index, column in enumerate(cls.columns, start=1):
        letter = get_column_letter(index)
        heading = sheet.cell(row=1, column=index, value=_header(column, mark_required=True))
        heading.font = required if column.required else bold
        heading.fill = PatternFill("solid", fgColor="F2F2F2")
        sheet.column_dimensions[letter].width = max(12, min(40, 2 * len(str(column.header)) + 4))
        sheet.column_dimensions[letter].number_format = "@"
    finish_sheet(sheet, columns=len(cls.columns), rows=1)
    notes = book.create_sheet(_("Instructions")[:31])
    notes.append([_("Column"), _("Required"), _("What to fill in"), _("Example")])
    for cell in notes[1]:
        cell.font = bold
    for column in cls.columns:
        notes.append(
            cells(
                [
                    str(column.header),
                    _("yes") if column.required else "",
                    str(column.help),
                    column.example,
                ]
            )
        )
    for letter, width in zip("ABCD", (16, 8, 70, 24), strict=True):
        notes.column_dimensions[letter].width = width
    notes.append([])
    notes.append([_("Columns marked * are required. Fill one row per record from row 2.")])
    for note in cls.notes:
        notes.append([str(note)])
    if cls.examples:
        notes.append([])
        notes.append([_("Examples (copy a row to the first sheet to use it):")])
        notes.append([str(column.header) for column in cls.columns])
        for cell in notes[notes.max_row]:
            cell.font = bold
        for example in cls.examples:
            notes.append(cells(list(example)))
    book.save(path)


def export_write(kind: str, path: Path, *, centre: OrgUnit, actor: User | None) -> int:
    """What the centre holds of `kind`, in the import's own shape, to an .xlsx or (by the
    name's suffix) a UTF-8 CSV Excel opens; streamed, so any size fits. How many rows."""
    cls = importer_class(kind)
    exporter = cls(centre=centre, actor=actor)
    if not cls.tabular:
        return exporter.export_file(path)
    header = [_header(column, mark_required=False) for column in cls.columns]
    count = 0
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as stream:
            writer = CsvWriter(stream)
            writer.writerow(header)
            for row in exporter.export_rows():
                writer.writerow(row)
                count += 1
        return count
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(cls.title)[:31])
    for index, heading in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, 2 * len(heading) + 4)
    finish_sheet(sheet, columns=0, rows=0)
    sheet.append(cells(header))
    for row in exporter.export_rows():
        sheet.append(cells(row))
        count += 1
    finish_sheet(sheet, columns=len(header), rows=count + 1)
    book.save(path)
    return count
