"""The values a row becomes: what a cell leaves as it is, a good row's record, a customer
as the database has it, and the account numbers met so far in the check pass."""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from typing import Any, NamedTuple

# Rows a transaction: a batch takes about a tenth of a second on SQLite, so other writers
# wait at most that long for the database.
BATCH = 2000
EXPORT_CHUNK = 5000
# What separates several phones or tags in one cell, as billing systems and people write
# them: 、，,；;/| or a line break in the cell. Not spaces: "138 1234 5678" is one number.
SEPARATORS = re.compile(r"[、，,；;/|\n]+")
# The separator exports write.
JOIN = "、"
MASK = "*"
ERASED_ACCOUNT = "account_number"  # the blind index's purpose (privacy.ERASED_ACCOUNT)


class _Keep:
    """A field the row leaves as it is: KEEP, the file has no such column; MASKED, the
    cell holds a masked value (as exports write for those who may not see it)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name

    def __reduce__(self) -> str:
        return self.name  # the module's own instance again when unpickled (the spool)


KEEP: Any = _Keep("KEEP")
MASKED: Any = _Keep("MASKED")


class Record(NamedTuple):
    """A good row. `check` hands the runner plain tuples of these fields (the spool
    pickles a plain tuple several times faster than a class)."""

    row: int
    account: str
    name: str
    phones: Any  # list[str] | KEEP
    id_number: Any  # str ("" empties it) | KEEP
    address: Any  # str | KEEP
    region: Any  # int | None | KEEP
    tier: Any  # str | KEEP
    tags: Any  # list[int] | KEEP


@dataclass(slots=True)
class Existing:
    pk: int
    name: str
    address: str
    region: int | None
    tier: str
    id_index: str
    version: int


def _key(text: str) -> str:
    """A label as matched: full-width to half-width, no spaces, small letters."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def _split(cell: str) -> list[str]:
    if not cell:
        return []
    if SEPARATORS.search(cell) is None:  # one number or tag: most cells
        part = cell.strip()
        return [part] if part else []
    return [part.strip() for part in SEPARATORS.split(cell) if part.strip()]


class Seen:
    """The account numbers met so far in the check pass, with their rows, in a private
    temporary SQLite database (removed when closed): a million of them take a few MB of
    memory rather than a hundred."""

    def __init__(self) -> None:
        self.db = sqlite3.connect("")
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE seen (account TEXT PRIMARY KEY, row INTEGER) WITHOUT ROWID")

    def earlier(self, accounts: dict[str, int]) -> dict[str, int]:
        """Of these accounts (each with its row), those met before, with the row they were
        first met in; then remembers them all."""
        before = self.db.total_changes
        # The batch as one JSON object, which SQLite takes apart itself: one statement,
        # where an executemany steps and returns once an account (twice the time).
        self.db.execute(
            "INSERT OR IGNORE INTO seen SELECT key, value FROM json_each(?)",
            (json.dumps(accounts),),
        )
        if self.db.total_changes - before == len(accounts):
            return {}  # each of them new: nearly every batch of a file
        # Some were there: they kept the row they were first met in.
        found: dict[str, int] = {}
        keys = list(accounts)
        for start in range(0, len(keys), 10_000):
            chunk = keys[start : start + 10_000]
            marks = ",".join("?" * len(chunk))
            found.update(
                self.db.execute(f"SELECT account, row FROM seen WHERE account IN ({marks})", chunk)  # noqa: S608
            )
        return {account: row for account, row in found.items() if row != accounts[account]}

    def close(self) -> None:
        self.db.close()
