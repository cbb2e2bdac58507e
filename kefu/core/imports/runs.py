"""Imports started from the import page (`DataImport`): the upload kept under the data
directory until the worker has read it, the run in the background with its progress, the
report kept, and what the kind hands out (first passwords) given once.

The worker may be handed a task twice (django-q's broker gives a task again when it runs
longer than the cluster's `retry`), so a run is claimed by moving it out of 排队 with a
compare-and-swap, and a second copy finds nothing to do.

Progress during the write pass cannot go through the database: the pass is one
transaction, which the page's reads do not see into (and on SQLite it holds the write
lock). It goes to a small file beside the upload, which the page reads while the run lasts.
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterable, Sequence
from datetime import timedelta
from pathlib import Path, PurePath
from typing import IO, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core.crypto import decrypt, encrypt
from kefu.core.errors import Forbidden, Invalid, NotFound
from kefu.core.exports import CsvWriter
from kefu.core.imports.base import importer_class
from kefu.core.imports.report import Report
from kefu.core.imports.runner import import_file
from kefu.core.models import DataImport, OrgUnit, User
from kefu.core.roles import IMPORT_DATA

log = logging.getLogger(__name__)

RUN_TASK = "kefu.core.tasks.data_import_run"
PROGRESS_SECONDS = 0.5
HISTORY = 30
# A run still unfinished this long after the worker's time limit will not finish.
STALE_MARGIN_SECONDS = 600


def uploads_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _progress_path(run: DataImport) -> Path:
    return uploads_dir() / f"{run.pk}.progress.json"


# -- who may -----------------------------------------------------------------------------


def import_centre_for(actor: User) -> OrgUnit:
    """The centre whose data the actor imports and exports."""
    if not actor.has_perm(IMPORT_DATA):
        raise Forbidden()
    if actor.centre_id is None:
        raise Forbidden(gettext_lazy("Your account belongs to no centre."), code="no_centre")
    return OrgUnit.objects.get(pk=actor.centre_id)


def data_import_get_for_user(actor: User, run_id: int) -> DataImport:
    """One import run of the actor's centre."""
    centre = import_centre_for(actor)
    run = DataImport.objects.select_related("created_by").filter(pk=run_id, centre=centre).first()
    if run is None:
        raise NotFound()
    return run


def data_imports_of(actor: User) -> QuerySet[DataImport]:
    """The centre's latest import runs, newest first."""
    centre = import_centre_for(actor)
    return DataImport.objects.filter(centre=centre).select_related("created_by")[:HISTORY]


# -- starting ----------------------------------------------------------------------------


def data_import_start(
    *,
    actor: User,
    kind: str,
    file_name: str,
    upload: IO[bytes] | Path,
    dry_run: bool,
) -> DataImport:
    """Keep the uploaded file under the data directory and queue its import (after commit,
    so the worker finds the run). `upload` is the file's path on disk (moved, not copied)
    or a stream (copied in chunks); either way nothing is held in memory."""
    centre = import_centre_for(actor)
    cls = importer_class(kind)
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in cls.suffixes:
        raise Invalid(
            _("%(title)s reads %(types)s files: this one is %(name)s.")
            % {"title": cls.title, "types": "、".join(cls.suffixes), "name": file_name},
            code="import_file_type",
        )
    stored = f"{uuid.uuid4().hex}{suffix}"
    target = uploads_dir() / stored
    if isinstance(upload, Path):
        shutil.move(upload, target)
    else:
        with target.open("wb") as out:
            shutil.copyfileobj(upload, out, 1024 * 1024)
    os.chmod(target, 0o600)
    try:
        with transaction.atomic():
            run = DataImport.objects.create(
                centre=centre,
                kind=kind,
                file_name=file_name[:255],
                stored=stored,
                dry_run=dry_run,
                language=translation.get_language() or settings.LANGUAGE_CODE,
                created_by=actor,
            )
            from kefu.core.services import audit_record

            audit_record(
                actor=actor,
                action="import.start",
                obj=run,
                after={"kind": kind, "file": run.file_name, "dry_run": dry_run},
            )
            transaction.on_commit(lambda: _enqueue(run.pk))
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return run


def _enqueue(run_id: int) -> None:
    from django_q.tasks import async_task

    # `sync` read now rather than when django-q was loaded: tests switch it per test.
    async_task(
        RUN_TASK,
        run_id,
        timeout=settings.KEFU_IMPORT_TIMEOUT,
        sync=bool(settings.Q_CLUSTER.get("sync", False)),
    )


# -- running (the worker) ----------------------------------------------------------------


class _Progress:
    """The run's progress, written at most every PROGRESS_SECONDS."""

    def __init__(self, run: DataImport) -> None:
        self.run = run
        self.path = _progress_path(run)
        self.phase = "check"
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if phase == self.phase and now - self.last < PROGRESS_SECONDS:
            return
        self.phase, self.last = phase, now
        state = DataImport.State.CHECKING if phase == "check" else DataImport.State.WRITING
        if connection.in_atomic_block:
            temporary = self.path.with_suffix(".tmp")
            temporary.write_text(
                json.dumps({"state": state, "rows_done": done, "rows_hint": total})
            )
            temporary.replace(self.path)
        else:
            DataImport.objects.filter(pk=self.run.pk).update(
                state=state, rows_done=done, rows_hint=total
            )


def data_import_run(run_id: int) -> str:
    """The worker's part: claim the run, import its file, keep the report, remove the file.
    Returns the run's final state (or "" when there was nothing to do)."""
    claimed = DataImport.objects.filter(pk=run_id, state=DataImport.State.QUEUED).update(
        state=DataImport.State.CHECKING
    )
    if not claimed:
        return ""
    run = DataImport.objects.select_related("centre", "created_by").get(pk=run_id)
    path = uploads_dir() / run.stored
    handed: list[dict[str, str]] = []
    progress = _Progress(run)
    with translation.override(run.language):
        try:
            report = import_file(
                run.kind,
                path,
                centre=run.centre,
                actor=run.created_by,
                dry_run=run.dry_run,
                file_name=run.file_name,
                progress=progress,
                handout=handed.extend,
            )
        except Exception:
            log.exception("import %s (%s) stopped", run.pk, run.kind)
            report = Report(kind=run.kind, file_name=run.file_name, dry_run=run.dry_run)
            report.problem(
                None,
                "",
                _(
                    "The import stopped on an unexpected error; the server's log has the "
                    "details. Check the data before you import the file again."
                ),
            )
        finally:
            path.unlink(missing_ok=True)
            progress.path.unlink(missing_ok=True)
    state = DataImport.State.DONE if report.ok else DataImport.State.FAILED
    DataImport.objects.filter(pk=run_id).update(
        state=state,
        report=report.as_json(),
        rows_done=report.rows,
        rows_hint=report.rows,
        stored="",
        finished_at=timezone.now(),
        handout=encrypt(json.dumps(handed, ensure_ascii=False)) if handed else "",
        handout_count=len(handed),
    )
    return str(state)


def run_progress(run: DataImport) -> DataImport:
    """The run with its latest progress, from the progress file while it is written; a run
    past the worker's time limit (the worker was stopped under it) shows as failed."""
    if run.running and run.created_at < timezone.now() - timedelta(
        seconds=settings.KEFU_IMPORT_TIMEOUT + STALE_MARGIN_SECONDS
    ):
        run.state = DataImport.State.FAILED
        run.stale = True  # type: ignore[attr-defined]
        return run
    if run.running:
        try:
            latest = json.loads(_progress_path(run).read_text())
        except (OSError, ValueError):
            return run
        run.state = latest.get("state", run.state)
        run.rows_done = int(latest.get("rows_done") or 0)
        run.rows_hint = latest.get("rows_hint")
    return run


# -- what is handed out once -------------------------------------------------------------


def data_import_handout_take(*, actor: User, run_id: int) -> tuple[DataImport, bytes]:
    """The run's handout as a CSV file, once: taken, it is gone from the database."""
    run = data_import_get_for_user(actor, run_id)
    if run.created_by_id != actor.pk:
        raise Forbidden(_("Only the person who ran the import can download this."))
    with transaction.atomic():
        token = (
            DataImport.objects.select_for_update()
            .filter(pk=run.pk)
            .values_list("handout", flat=True)
            .first()
        )
        if not token:
            raise NotFound(
                _("The first passwords were downloaded already: they are given only once.")
            )
        DataImport.objects.filter(pk=run.pk).update(handout="")
        from kefu.core.services import audit_record

        audit_record(
            actor=actor,
            action="import.handout",
            obj=run,
            after={"count": run.handout_count},
        )
    rows = json.loads(decrypt(token))
    return run, handout_csv(run.kind, rows)


def handout_csv(kind: str, rows: Iterable[dict[str, str]]) -> bytes:
    """The handout as a CSV file Excel opens (UTF-8 with its mark)."""
    stream = io.StringIO()
    handout_write(kind, rows, stream)
    return stream.getvalue().encode("utf-8-sig")


def handout_write(kind: str, rows: Iterable[dict[str, str]], stream: Any) -> None:
    columns: Sequence[tuple[str, Any]] = importer_class(kind).handout_columns
    writer = CsvWriter(stream)
    writer.writerow([str(header) for _key, header in columns])
    for row in rows:
        writer.writerow([row.get(key, "") for key, _header in columns])
