"""Ingestion: telephone-platform events into calls, agent activities and roll-ups.

Events arrive in batches (a slice of a file, or one API request). Each batch is one
transaction: the calls and activities it touched are written with the roll-up changes they
cause (`calls.change`) and, when following a file, the offset read up to. A batch is whole
or absent, so an interrupted import loses nothing and a repeated one counts nothing twice.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import Invalid
from kefu.core.models import OrgUnit
from kefu.telephony import calls, cdr_csv, presence, queue_log
from kefu.telephony.calls import CALL_EVENTS, Contribution
from kefu.telephony.models import (
    Activity,
    AgentDay,
    AgentInterval,
    FollowCursor,
    ImportRun,
    QueueDay,
    QueueInterval,
)
from kefu.telephony.models import (
    Call as CallRow,
)
from kefu.telephony.presence import PRESENCE_EVENTS
from kefu.telephony.services.folding import (
    BATCH_LINES,
    FORMATS,
    UNKNOWN,
    Ingester,
    Report,
    agents_link,
    line_problem,
)
from kefu.telephony.services.writer import _execute, _from_row

__all__ = [
    "BATCH_LINES",
    "FORMATS",
    "Report",
    "import_file_check",
    "import_workers",
    "line_problem",
    "telephony_events_post",
    "telephony_follow",
    "telephony_import",
    "telephony_rollups_rebuild",
]


def _lines(stream: BinaryIO, fmt: str, start: int) -> Iterator[Any]:
    """Objects with `end`, `event` (a queue event, a call record or None) and `error`."""
    if fmt == "cdr_csv":
        for end, record, error in cdr_csv.read(
            stream, start=start, tz=timezone.get_default_timezone()
        ):
            yield queue_log.Line(end, record, error)  # type: ignore[arg-type]
        return
    layout = "queue_log_table" if fmt == "queue_log_table" else "queue_log"
    yield from queue_log.read(
        stream, start=start, table_tz=timezone.get_default_timezone(), layout=layout
    )


def _consume(
    ingester: Ingester,
    stream: BinaryIO,
    fmt: str,
    report: Report,
    *,
    start: int = 0,
    cursor: FollowCursor | None = None,
    batch_lines: int = BATCH_LINES,
) -> int:
    """Read from `start` to the end of what is written, feeding full batches; returns the
    offset read up to."""
    events: list[queue_log.QueueEvent] = []
    details: dict[tuple[str, str], tuple[int | None, int | None]] = {}
    wanted = CALL_EVENTS | PRESENCE_EVENTS
    cdr = fmt == "cdr_csv"
    parts, part, calls_only, crc32 = ingester.parts, ingester.part, CALL_EVENTS, zlib.crc32
    count, offset, line = report.lines, start, None
    for count, line in enumerate(_lines(stream, fmt, start), start=report.lines + 1):
        item = line.event
        if item is None:
            # A well-formed line about an event kefu does not know is ignored, not broken.
            report.refuse(count, line.error, ignored=line.error.startswith(UNKNOWN), end=line.end)
        elif cdr:
            made = cdr_csv.to_events(item)
            # Judged before the part is chosen, so every part counts the same refusals.
            if reason := next(filter(None, map(line_problem, made)), ""):
                report.refuse(count, reason, end=line.end)
                continue
            if parts > 1 and zlib.crc32(item.call_id.encode()) % parts != ingester.part:
                continue
            events.extend(made)
            details[(item.call_id, item.queue)] = (
                calls.whole_seconds(item.hold_seconds),
                calls.whole_seconds(item.acw_seconds),
            )
        elif item.event in wanted:
            if reason := line_problem(item):
                report.refuse(count, reason, end=line.end)
                continue
            if parts > 1:
                # A call's events go to the part of its call id, an agent's time to the
                # part of the agent (crc32: the same in every process).
                owner = item.call_id if item.event in calls_only else item.agent
                if crc32(owner.encode()) % parts != part:
                    continue
            events.append(item)
            if len(events) >= batch_lines:
                report.events += len(events)
                report.calls += ingester.feed(events, cursor=cursor, offset=line.end)
                events = []
    if line is not None:
        offset = line.end
    report.lines = count
    if events or (cursor is not None and offset != cursor.offset):
        report.events += len(events)
        report.calls += ingester.feed(events, details=details, cursor=cursor, offset=offset)
    report.offset = offset
    return offset


def _run(centre: OrgUnit, source: str, fmt: str) -> ImportRun:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    return ImportRun.objects.create(centre=centre, source=source[:500], format=fmt)


# The first bytes of the compressed and archive formats an operator may hand over by mistake.
_PACKED = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"PK\x03\x04", "zip"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
)


def _refuse_file(path: Path, message: str) -> Invalid:
    return Invalid(message, code="import_file_refused", detail={"file": str(path)})


def import_file_check(*, path: Path, fmt: str) -> None:
    """Refuse, before anything is written, a file that cannot be imported at all: one that
    is missing, a directory or a device, unreadable, compressed, or (call records) whose
    header lacks a required column. Bad lines are not this: they are refused one by one."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    if path.is_dir():
        raise _refuse_file(path, _("%(file)s is a directory, not a file.") % {"file": path})
    if path.exists() and not path.is_file():
        raise _refuse_file(path, _("%(file)s is not a regular file.") % {"file": path})
    try:
        with path.open("rb") as stream:
            head = stream.read(8)
            for magic, kind in _PACKED:
                if head.startswith(magic):
                    raise _refuse_file(
                        path,
                        _("%(file)s is a %(kind)s file: unpack it and import the text inside.")
                        % {"file": path, "kind": kind},
                    )
            if fmt == "cdr_csv":
                next(cdr_csv.read(stream, tz=timezone.get_default_timezone()), None)
    except OSError as error:
        raise _refuse_file(
            path,
            _("%(file)s cannot be read: %(reason)s") % {"file": path, "reason": error.strerror},
        ) from error
    except ValueError as error:  # a call-record header without its required columns
        raise _refuse_file(
            path, _("%(file)s, line 1: %(reason)s") % {"file": path, "reason": error}
        ) from error


def _finish(run: ImportRun, report: Report) -> None:
    run.lines, run.events = report.lines, report.events
    run.malformed, run.ignored = report.malformed, report.ignored
    run.errors = [list(error) for error in report.errors]
    run.finished_at = timezone.now()
    run.save()


@contextmanager
def _unmapped() -> Iterator[None]:
    """Memory-mapped pages of the database count as the importing process's memory, and a
    file import reads little: it keeps to SQLite's page cache while it runs."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA mmap_size")
        (mapped,) = cursor.fetchone()
        cursor.execute("PRAGMA mmap_size=0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA mmap_size={int(mapped)}")


def import_workers() -> int:
    """Processes a file import is split over: one per core, at most four (the database
    takes one batch at a time, so more would only wait), and KEFU_IMPORT_WORKERS decides."""
    default = min(4, os.cpu_count() or 1)
    return max(1, int(os.environ.get("KEFU_IMPORT_WORKERS", str(default))))


def telephony_import(
    *,
    centre: OrgUnit,
    path: Path,
    fmt: str = "queue_log",
    batch_lines: int = BATCH_LINES,
    workers: int | None = None,
) -> Report:
    """Import a whole file. Safe to repeat: what was read before changes nothing.

    Folding events is Python and takes one core, so a large file is split over processes:
    each reads the whole file and folds the calls and agents of its part (see `_consume`),
    writing its own batches. The parts touch different calls and activities, and add to
    the roll-ups, which does not depend on their order. Inside a caller's transaction (the
    demo loader, the tests) everything runs here, in that transaction. A file that cannot
    be read at all is refused before anything is written (`import_file_check`)."""
    import_file_check(path=path, fmt=fmt)
    agents_link(centre)
    run = _run(centre, str(path), fmt)
    parts = 1 if connection.in_atomic_block else (workers or import_workers())
    if parts > 1 and path.stat().st_size > PARALLEL_BYTES:
        report = _import_parallel(centre, path, fmt, batch_lines, parts)
    else:
        report = _import_part(centre, path, fmt, batch_lines, 0, 1)
    report.number_lines(path)
    _finish(run, report)
    return report


# Below this a file is read in one process: starting others costs more than they save.
PARALLEL_BYTES = 4 * 1024 * 1024


def _import_part(
    centre: OrgUnit, path: Path, fmt: str, batch_lines: int, part: int, parts: int
) -> Report:
    report = Report()
    ingester = Ingester(centre, part=part, parts=parts)
    with path.open("rb") as stream, _unmapped():
        _consume(ingester, stream, fmt, report, batch_lines=batch_lines)
    return report


def _part_process(centre_id: int, path: str, fmt: str, batch_lines: int, part: int, parts: int):
    try:
        centre = OrgUnit.objects.get(pk=centre_id)
        report = _import_part(centre, Path(path), fmt, batch_lines, part, parts)
        return report
    finally:
        connections.close_all()


def _part_start() -> None:
    """A part process ends when the pool terminates it, whatever handlers its parent had,
    and opens connections of its own: any it inherited open are forgotten, never used nor
    closed, since their sockets are the parent's."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for alias in connections:
        connections[alias].connection = None


def _import_parallel(centre: OrgUnit, path: Path, fmt: str, batch_lines: int, parts: int) -> Report:
    # A forked process must not use the connections it inherits: they are the parent's.
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(parts, initializer=_part_start) as pool:
        reports = pool.starmap(
            _part_process,
            [(centre.pk, str(path), fmt, batch_lines, part, parts) for part in range(parts)],
        )
    # Every part read every line: lines and refusals are counted once, events and calls
    # are each part's own.
    report = reports[0]
    report.events = sum(part.events for part in reports)
    report.calls = sum(part.calls for part in reports)
    return report


def _fingerprint(path: Path) -> str:
    with path.open("rb") as stream:
        return stream.readline(4096)[:64].decode("utf-8", "replace")


def telephony_follow(
    *,
    centre: OrgUnit,
    path: Path,
    fmt: str = "queue_log",
    poll_seconds: float = 1.0,
    idle_limit: float | None = None,
    batch_lines: int = BATCH_LINES,
    stop: Callable[[], bool] = lambda: False,
) -> Report:
    """Tail a file the platform keeps writing, as `tail -F` does. The offset read up to is
    stored with each batch, so a restart goes on from there; a file rotated under the same
    name (its first line differs, or it is shorter than the offset) is read from its start.
    Returns when `stop()` says so, or after `idle_limit` seconds with nothing new."""
    if path.exists():
        import_file_check(path=path, fmt=fmt)
    agents_link(centre)
    run = _run(centre, str(path), fmt)
    report = Report()
    ingester = Ingester(centre)
    cursor, _ = FollowCursor.objects.get_or_create(
        centre=centre, path=str(path.resolve())[:500], format=fmt, defaults={"fingerprint": ""}
    )
    idle_since = time.monotonic()
    try:
        with _unmapped():
            while not stop():
                if path.exists() and path.stat().st_size > 0:
                    fingerprint = _fingerprint(path)
                    if fingerprint != cursor.fingerprint or path.stat().st_size < cursor.offset:
                        cursor.fingerprint, cursor.offset = fingerprint, 0
                        cursor.save(update_fields=["fingerprint", "offset", "updated_at"])
                    before = cursor.offset
                    with path.open("rb") as stream:
                        _consume(
                            ingester,
                            stream,
                            fmt,
                            report,
                            start=cursor.offset,
                            cursor=cursor,
                            batch_lines=batch_lines,
                        )
                    if cursor.offset != before:
                        idle_since = time.monotonic()
                if idle_limit is not None and time.monotonic() - idle_since >= idle_limit:
                    break
                time.sleep(poll_seconds)
    finally:
        _finish(run, report)
    return report


def telephony_events_post(*, centre: OrgUnit, events: Sequence[queue_log.QueueEvent]) -> Report:
    """A batch pushed by a platform through the API: one transaction, like a file batch."""
    report = Report(lines=len(events))
    accepted = []
    for number, event in enumerate(events, start=1):
        if event.event in CALL_EVENTS or event.event in PRESENCE_EVENTS:
            if reason := line_problem(event):
                report.refuse(number, reason)
                continue
            accepted.append(event)
        elif event.event not in queue_log.KNOWN_EVENTS:
            report.refuse(number, f"{UNKNOWN} {event.event}", ignored=True)
    report.events = len(accepted)
    report.calls = Ingester(centre).feed(accepted)
    return report


@transaction.atomic
def telephony_rollups_rebuild(*, centre: OrgUnit) -> int:
    """Recompute the centre's roll-ups from its stored calls and activities. Ingestion keeps
    them current on its own; this is for an operator who restored raw rows from a backup,
    and it is what the tests compare the incremental roll-ups with. Returns the calls read."""
    ingester = Ingester(centre)
    names = {pk: name for name, pk in ingester.queues.items()}
    total: Contribution = {}
    count = 0
    for row in CallRow.objects.filter(queue__centre=centre).values().iterator(chunk_size=5000):
        calls.contribute(_from_row(row, names[row["queue_id"]], ingester._agent_names), total)
        count += 1
    for activity in Activity.objects.filter(agent__centre=centre).iterator(chunk_size=5000):
        presence.contribute(ingester._stretch(activity), total)
    QueueInterval.objects.filter(queue__centre=centre).delete()
    QueueDay.objects.filter(queue__centre=centre).delete()
    AgentInterval.objects.filter(agent__centre=centre).delete()
    AgentDay.objects.filter(agent__centre=centre).delete()
    _execute(ingester._db.rollups(total, ingester))
    return count
