"""What an import kind is: its columns, how it checks a batch of rows and writes it, and
how it exports what it holds in the same shape. The kinds live in the apps that own their
data (customers, contacts, tickets, knowledge, core's org and users) and register here
from their AppConfig.ready(), so the ground knows nothing above it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from django.utils.functional import Promise

if TYPE_CHECKING:
    from kefu.core.imports.report import Report
    from kefu.core.models import OrgUnit, User

R = TypeVar("R")
# progress(phase, rows done, about how many rows in all or None): phase "check" or "write".
Progress = Callable[[str, int, int | None], None]
# Receives an import's handouts (`Importer.handouts`) once they are written for good.
Handout = Callable[[list[dict[str, str]]], None]


@dataclass(frozen=True)
class Column:
    """A column of a kind's spreadsheet. `header` is what the template says (in the
    user's language); a file's header also matches the other language's, the `key` and
    the `aliases` (what other systems' exports call it: 户号 for 用电户号)."""

    key: str
    header: str | Promise
    required: bool = False
    help: str | Promise = ""  # format and allowed values, for the template's instructions
    example: str = ""
    aliases: tuple[str, ...] = ()


@dataclass
class Row:
    """A data row: its number as the spreadsheet shows it and its cells by column key
    (a column the file lacks reads as "")."""

    number: int
    values: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.values.get(key, "")


class Importer(Generic[R]):
    """One kind of import. The runner (kefu/core/imports/runner.py) reads the file, calls
    `check` with each batch of rows in order (state kept on the instance, such as the keys
    seen so far, is how a kind finds duplicates within the file), and, when the whole file
    is free of problems, reads it again with a fresh instance, checking and then writing
    each batch with `write`.

    `check` adds a problem to the report for every bad cell (`self.problem`) and returns
    a record for each good row; it never writes. `write` creates or updates, counting in
    the report (created, updated, unchanged, and `report.change` for what changed). When
    a service refuses a row in `write` (a `DomainError`: its own rule, or data changed
    since the check), the kind may report it on the row and re-raise: the file (or the
    batch) is rolled back and the report says why.

    `per_batch = False`: the whole file is written in one transaction, and a dry run
    writes it and rolls it back, so its counts are exact. `per_batch = True` (a file of a
    million customers): each batch is its own transaction, so the centre keeps working
    while it is written, and a dry run only checks (`check` may count what would be
    created or updated).

    `spool = True` (the same million customers): the check pass keeps the records
    `check` returns, pickled to a temporary file a batch at a time, and the write pass
    writes those instead of reading and checking the file again, so each row is parsed
    once; `recheck` sees each batch first, for what the database may have changed since
    the check (problems it finds stop the write as a changed row does).

    A kind that reads documents rather than a table (`tabular = False`) overrides
    `import_file` and does its own reading, reporting problems in the same report; and
    `export_file` and `template_file`, writing files of its own shape.
    """

    kind: ClassVar[str]
    title: ClassVar[str | Promise]
    columns: ClassVar[tuple[Column, ...]] = ()
    batch_size: ClassVar[int] = 500
    per_batch: ClassVar[bool] = False
    spool: ClassVar[bool] = False
    tabular: ClassVar[bool] = True
    # The file types the kind reads, for the upload form and messages.
    suffixes: ClassVar[tuple[str, ...]] = (".xlsx", ".csv", ".txt")
    # For the template's instructions: what the person should know beyond the columns
    # (what a re-import does, what it never does), and whole example rows in `columns`
    # order, shown there rather than in the sheet so they are never imported by mistake.
    notes: ClassVar[tuple[str | Promise, ...]] = ()
    examples: ClassVar[tuple[tuple[str, ...], ...]] = ()
    # The columns of what the kind hands out (`handouts`): (key, header).
    handout_columns: ClassVar[tuple[tuple[str, str | Promise], ...]] = ()

    def __init__(self, *, centre: OrgUnit, actor: User | None) -> None:
        self.centre = centre
        self.actor = actor
        # True on the write pass's instance: its `check` sees rows the check pass found
        # free of problems, so a kind may skip what cannot change between the passes (the
        # duplicates within the file) and keep only what can (the database's rows).
        self.writing = False
        # The file's own header for each column key, so problems name the column as the
        # person sees it; set by the runner.
        self.labels: dict[str, str] = {c.key: str(c.header) for c in self.columns}
        # What the person who runs the import is given once and the report never keeps
        # (a new user's first password), one dict per record; `write` adds to it, and the
        # runner hands over only what was written for good (never a dry run's).
        self.handouts: list[dict[str, str]] = []

    # -- to override ---------------------------------------------------------------------

    def check(self, rows: Sequence[Row], report: Report) -> list[R]:
        raise NotImplementedError

    def write(self, records: list[R], report: Report) -> None:
        raise NotImplementedError

    def recheck(self, records: list[R], report: Report) -> list[R]:
        """A spooling kind's records again before they are written (`spool`): those still
        good, problems added to the report for the others."""
        return records

    def export_rows(self) -> Iterable[Sequence[Any]]:
        """What the centre holds, one row per record, in `columns` order."""
        raise NotImplementedError

    def whole_file(self, report: Report) -> bool:
        """For a per-batch kind, just before its write pass (the check pass's counts in
        `report`): True writes this file in one transaction after all (all or nothing,
        and `report` says so), as a kind may for a load it does faster in one (a first
        import into an empty archive). Other writers wait while it runs."""
        return False

    def finish(self, report: Report) -> None:
        """After the write pass's last batch, inside its transaction (the file's, or the
        last batch's): what the kind completes once (indexes it set aside, rebuilt)."""

    def close(self) -> None:
        """Release what the kind held for a pass (a temporary table of the keys seen); the
        runner calls it when each pass ends, however it ends."""

    def import_file(
        self, path: Path, report: Report, *, dry_run: bool, progress: Progress | None
    ) -> None:
        """A non-tabular kind's whole import (`tabular = False`); `path` may be a folder."""
        raise NotImplementedError

    def export_file(self, path: Path) -> int:
        """A non-tabular kind's export to `path`; how many records it holds."""
        raise NotImplementedError

    @classmethod
    def template_file(cls, path: Path) -> None:
        """A non-tabular kind's template: a sample of the files it reads."""
        raise NotImplementedError

    # -- for the kinds -------------------------------------------------------------------

    def problem(self, report: Report, row: Row, key: str, message: str) -> None:
        """A problem in `row`'s `key` cell, naming the column as the file does."""
        report.problem(row.number, self.labels.get(key, key), message, row[key])


_KINDS: dict[str, type[Importer[Any]]] = {}


def register(kind: type[Importer[Any]]) -> type[Importer[Any]]:
    """Make a kind importable (`kefu import KIND`, the import page); from an AppConfig."""
    _KINDS[kind.kind] = kind
    return kind


def importer_class(kind: str) -> type[Importer[Any]]:
    """The registered kind; KeyError for a kind nobody registered."""
    return _KINDS[kind]


def kinds() -> list[type[Importer[Any]]]:
    return list(_KINDS.values())
