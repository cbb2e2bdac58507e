"""The bulk SQL of an import: a batch's rows selected by their keys and inserted at once
(COPY on PostgreSQL), and SQLite's memory map set aside while a long import runs."""

from __future__ import annotations

import sqlite3
from itertools import chain
from typing import Any

from django.db import connection

# sqlite3's own `execute` and `executemany`, called on Django's SQLite cursor: its
# `SQLiteCursorWrapper` methods rewrite every `%s` of the statement to `?` with a regular
# expression first, which for a statement of 500 rows' thousands of `?` took a tenth of a
# million-row import's inserts. The statements here are written with `?` already.
_execute = sqlite3.Cursor.execute
_executemany = sqlite3.Cursor.executemany

# SQLite's page cache while an import or export runs (KiB, as PRAGMA cache_size takes a
# negative figure): the indexes of a million customers are a few hundred MB, and a page
# read from the file costs a system call each time it is not in the cache.
IMPORT_CACHE_KIB = 80 * 1024
# Pages of write-ahead log between two checkpoints while an import runs (`_unmap`): 64 MB
# of log on disk at most between them, none of it in memory.
IMPORT_CHECKPOINT_PAGES = 16_384


def _unmap() -> tuple[int, int, int] | None:
    """SQLite maps up to 256 MB of the database file into the process (kefu/settings.py);
    an import or export of a million customers touches all of it, and mapped pages count
    in the process's resident memory. Read through a larger page cache of SQLite's own
    instead while it runs, so memory stays flat and bounded (about 100 MB more). And the
    write-ahead log is copied into the database every `IMPORT_CHECKPOINT_PAGES` pages
    rather than SQLite's 1,000 (4 MB): a re-import commits a batch at a time, and each
    checkpoint writes again the index pages the batches before it had written. What was
    set before, to put back (None: not SQLite)."""
    if connection.vendor != "sqlite":
        return None
    # Read from the package, where it is named and may be set (a test keeps it small).
    from kefu.customers import imports

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA mmap_size")
        mapped = cursor.fetchone()
        cursor.execute("PRAGMA cache_size")
        cache = cursor.fetchone()
        cursor.execute("PRAGMA wal_autocheckpoint")
        checkpoint = cursor.fetchone()
        cursor.execute("PRAGMA mmap_size=0")
        cursor.execute(f"PRAGMA cache_size=-{int(imports.IMPORT_CACHE_KIB)}")
        cursor.execute(f"PRAGMA wal_autocheckpoint={int(IMPORT_CHECKPOINT_PAGES)}")
    return (
        int(mapped[0]) if mapped else 0,
        int(cache[0]) if cache else -2000,
        int(checkpoint[0]) if checkpoint else 1000,
    )


def _remap(before: tuple[int, int, int] | None) -> None:
    if before is not None and connection.vendor == "sqlite":
        mapped, cache, checkpoint = before
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA mmap_size={int(mapped)}")
            cursor.execute(f"PRAGMA cache_size={int(cache)}")
            cursor.execute(f"PRAGMA wal_autocheckpoint={int(checkpoint)}")


def _select(sql: str, values: list[Any]) -> list[tuple[Any, ...]]:
    """The rows of `sql`, whose `{among}` asks for a column among `values` (a batch's
    keys): one array on PostgreSQL (psycopg parses a statement of thousands of
    placeholders slowly, and prepares it afresh for each length), placeholders on SQLite
    (a few thousand are within its limit), SQLite's own (`?`) on its own cursor: Django's
    would rewrite the thousands of `%s` first (errors made Django's, as `_insert_rows`)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql.format(among="= ANY(%s)"), [values])
            return cursor.fetchall()
        marks = ", ".join(["?"] * len(values))
        with connection.wrap_database_errors:
            _execute(cursor.cursor, sql.format(among=f"IN ({marks})"), values)
            return cursor.cursor.fetchall()


# SQLite: rows a statement, and its bound values at most (SQLite allows 32,766).
ROWS_A_STATEMENT = 500
VALUES_A_STATEMENT = 30_000


def _insert_rows(table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
    """Many rows into `table` at once: COPY on PostgreSQL; on SQLite, statements of
    many rows each (`VALUES (…), (…)`): one statement runs through them all in the
    library, where an executemany steps and returns once a row."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg's own COPY, outside Django's cursor: its errors made Django's
            # (DatabaseError), as the runner reports them rather than crash.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        width = len(rows[0])
        size = max(1, min(ROWS_A_STATEMENT, VALUES_A_STATEMENT // width))
        one = "(" + ", ".join(["?"] * width) + ")"
        whole = len(rows) - len(rows) % size
        # SQLite's own cursor, with its own placeholders: Django's would rewrite each
        # statement's thousands of them first. Its errors made Django's, as above. Only
        # full statements of `size` rows, the rest one row a step: the statements stay
        # two, which SQLite's statement cache keeps prepared (a statement of every length
        # would fill it with large programs, and the memory with them).
        with connection.wrap_database_errors:
            if whole:
                many = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([one] * size)  # noqa: S608
                for start in range(0, whole, size):
                    _execute(
                        cursor.cursor, many, list(chain.from_iterable(rows[start : start + size]))
                    )
            if whole < len(rows):
                _executemany(
                    cursor.cursor,
                    f"INSERT INTO {table} ({columns}) VALUES {one}",  # noqa: S608
                    rows[whole:],
                )


def _insert_keyed(
    table: str, columns: str, rows: list[tuple[Any, ...]], key: str
) -> dict[Any, int]:
    """`_insert_rows`, and the ids the rows were given, by their `key` column: on SQLite
    from the inserts themselves (`RETURNING`), on PostgreSQL selected after the COPY."""
    if connection.vendor == "postgresql":
        _insert_rows(table, columns, rows)
        at = [name.strip() for name in columns.split(",")].index(key)
        return dict(
            _select(
                f"SELECT {key}, id FROM {table} WHERE {key} {{among}}",  # noqa: S608
                [row[at] for row in rows],
            )
        )
    ids: dict[Any, int] = {}
    width = len(rows[0])
    size = max(1, min(ROWS_A_STATEMENT, VALUES_A_STATEMENT // width))
    one = "(" + ", ".join(["?"] * width) + ")"
    whole = len(rows) - len(rows) % size
    with connection.cursor() as cursor, connection.wrap_database_errors:
        # As `_insert_rows`: statements of `size` rows, the rest one row a statement.
        if whole:
            many = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([one] * size)  # noqa: S608
            many += f" RETURNING {key}, id"
            for start in range(0, whole, size):
                _execute(cursor.cursor, many, list(chain.from_iterable(rows[start : start + size])))
                ids.update(cursor.cursor.fetchall())
        single = f"INSERT INTO {table} ({columns}) VALUES {one} RETURNING {key}, id"  # noqa: S608
        for row in rows[whole:]:
            _execute(cursor.cursor, single, row)
            ids.update(cursor.cursor.fetchall())
    return ids


def _count_at_most(table: str, limit: int) -> int:
    """The rows of `table`, counted up to `limit` (a million counted only when needed)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT %s)", [limit + 1])  # noqa: S608
        return int(cursor.fetchone()[0])


def _indexes_set_aside(tables: tuple[str, ...], *, cache_kib: int) -> list[str]:
    """SQLite: drop the tables' secondary indexes that check nothing (not the unique
    ones, nor those SQLite made for a constraint), inside the transaction that runs;
    the statements that create them again (`_indexes_rebuild`). The page cache is
    `cache_kib` meanwhile (`_remap` puts it back): the rebuild's sorter uses as much."""
    marks = ", ".join(["%s"] * len(tables))
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA cache_size=-{int(cache_kib)}")
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
            f"AND tbl_name IN ({marks}) ORDER BY name",
            list(tables),
        )
        indexes = [
            (name, sql)
            for name, sql in cursor.fetchall()
            if not sql.upper().startswith("CREATE UNIQUE")
        ]
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in indexes]


def _indexes_rebuild(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
