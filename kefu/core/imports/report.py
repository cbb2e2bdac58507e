"""What an import found and did, for the person who ran it: every problem by row and
column, what was created, updated or left as it was, and what changed. Pure: no database.

The report is kept (as JSON) with the import run, so its texts are written in the
language of the run; the lists are bounded (`LISTED`), their totals are not.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# At most this many problems and changes are listed; every one is counted.
LISTED = 1000
MAX_VALUE_CHARACTERS = 100


@dataclass
class Problem:
    """One thing wrong: the spreadsheet row (None: the whole file), the column's header as
    the file has it ("" for the whole row), what is wrong, and the value found."""

    row: int | None
    column: str
    message: str
    value: str = ""


@dataclass
class Change:
    """One record updated: its row, what identifies it (an account number, a user name),
    and what changed ("电话: 138… → 139…")."""

    row: int
    key: str
    text: str


@dataclass
class Report:
    kind: str
    file_name: str
    dry_run: bool
    # True: each batch of `batch_size` rows is written in its own transaction.
    per_batch: bool = False
    batch_size: int = 0
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    warnings: list[Problem] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    change_count: int = 0
    written: bool = False
    # Rows written for good, which with per-batch writing may be fewer than `rows` when a
    # write failed part-way (the report says so).
    rows_written: int = 0
    seconds: float = 0.0

    def problem(self, row: int | None, column: str, message: str, value: str = "") -> None:
        self.problem_count += 1
        if len(self.problems) < LISTED:
            value = str(value)
            if len(value) > MAX_VALUE_CHARACTERS:
                value = value[: MAX_VALUE_CHARACTERS - 1] + "…"
            self.problems.append(Problem(row, str(column), str(message), value))

    def warn(self, row: int | None, column: str, message: str) -> None:
        """Something the import did not use but the person should know (an unknown column)."""
        if len(self.warnings) < LISTED:
            self.warnings.append(Problem(row, str(column), str(message)))

    def change(self, row: int, key: str, text: str) -> None:
        self.change_count += 1
        if len(self.changes) < LISTED:
            self.changes.append(Change(row, key, text))

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def summary(self) -> str:
        """One sentence: what was done, or why nothing was."""
        if not self.ok:
            return ngettext(
                "%(count)d problem found: nothing was written.",
                "%(count)d problems found: nothing was written.",
                self.problem_count,
            ) % {"count": self.problem_count}
        counts = _(
            "%(rows)d rows: %(created)d new, %(updated)d updated, %(unchanged)d unchanged."
        ) % {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.dry_run:
            return _("Dry run, nothing written. %(counts)s") % {"counts": counts}
        return counts

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        data = dict(data)
        data["problems"] = [Problem(**p) for p in data.get("problems", [])]
        data["warnings"] = [Problem(**p) for p in data.get("warnings", [])]
        data["changes"] = [Change(**c) for c in data.get("changes", [])]
        return cls(**data)
