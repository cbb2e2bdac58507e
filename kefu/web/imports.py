"""数据导入: the administrators' page for every import kind registered
(kefu/core/imports): its template, its export, an upload with or without writing, the
run's progress while the worker imports it, the report, and the history of past runs.

An upload is streamed to disk (never held in memory) and refused before it is read when
its declared length passes KEFU_IMPORT_MAX_BYTES, or as soon as its bytes do when it
declares none. These views are thin: the runs are kefu/core/imports/runs.py.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import (
    FileUploadHandler,
    StopUpload,
    TemporaryFileUploadHandler,
)
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from kefu.core.errors import DomainError, NotFound
from kefu.core.exports import XLSX
from kefu.core.http import request_user
from kefu.core.imports import Importer, Report, export_write, importer_class, kinds, template_write
from kefu.core.imports.runs import (
    data_import_get_for_user,
    data_import_handout_take,
    data_import_start,
    data_imports_of,
    import_centre_for,
    run_progress,
)
from kefu.core.models import DataImport

# A multipart body carries a little more than its file: the other fields and boundaries.
FORM_OVERHEAD_BYTES = 64 * 1024
POLL_SECONDS = 1


class LimitedUpload(FileUploadHandler):
    """Stops reading an upload once it passes the limit (the rest of the body is read and
    dropped, so the browser gets the page that says why); the request is marked."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.seen = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.seen += len(raw_data)
        if self.seen > self.limit:
            setattr(self.request, "import_too_large", True)  # noqa: B010
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _kinds() -> list[dict[str, Any]]:
    return [
        {
            "kind": cls.kind,
            "title": cls.title,
            "suffixes": "、".join(cls.suffixes),
            "accept": ",".join(cls.suffixes),
            "template": cls.tabular and bool(cls.columns),
            "export": cls.export_rows is not Importer.export_rows,
        }
        for cls in kinds()
    ]


def _page(
    request: HttpRequest,
    *,
    error: str = "",
    chosen: str = "",
    dry_run: bool = True,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    import_centre_for(user)
    titles = {cls.kind: cls.title for cls in kinds()}
    runs = [run_progress(run) for run in data_imports_of(user)]
    for run in runs:
        run.title = titles.get(run.kind, run.kind)  # type: ignore[attr-defined]
    return render(
        request,
        "web/imports.html",
        {
            "kinds": _kinds(),
            "runs": runs,
            "error": error,
            "chosen": chosen,
            "dry_run": dry_run,
            "limit": settings.KEFU_IMPORT_MAX_BYTES,
        },
        status=status,
    )


@login_required
@require_GET
def imports(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _too_large() -> str:
    return _("The file is larger than %(limit)s: split it into several files.") % {
        "limit": filesizeformat(settings.KEFU_IMPORT_MAX_BYTES)
    }


@csrf_exempt  # the upload handlers must be set before the body is read; checked below
@login_required
@require_POST
def imports_upload(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    import_centre_for(user)  # refuse those who may not before reading a byte
    limit = settings.KEFU_IMPORT_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit + FORM_OVERHEAD_BYTES:
        response = _page(request, error=_too_large(), status=413)
        response["Connection"] = "close"
        return response
    request.upload_handlers = [LimitedUpload(request, limit), TemporaryFileUploadHandler(request)]
    return _upload(request)


@csrf_protect
def _upload(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    kind = request.POST.get("kind", "")
    dry_run = bool(request.POST.get("dry_run"))
    upload = request.FILES.get("file")

    def refuse(message: str, status: int = 400) -> HttpResponse:
        return _page(request, error=message, chosen=kind, dry_run=dry_run, status=status)

    if getattr(request, "import_too_large", False):
        return refuse(_too_large(), 413)
    try:
        importer_class(kind)
    except KeyError:
        return refuse(_("Choose what the file holds."))
    if upload is None:
        return refuse(_("Choose a file to import."))
    if not upload.size:
        return refuse(_("The file is empty: it has no header row and no data."))
    source: Any = upload
    if hasattr(upload, "temporary_file_path"):
        source = Path(upload.temporary_file_path())
    try:
        run = data_import_start(
            actor=user, kind=kind, file_name=upload.name or "", upload=source, dry_run=dry_run
        )
    except DomainError as error:
        return refuse(str(error.message))
    return redirect("import_run", run_id=run.pk)


@login_required
@require_GET
def import_run(request: HttpRequest, run_id: int) -> HttpResponse:
    run = run_progress(data_import_get_for_user(request_user(request), run_id))
    return render(request, "web/import_run.html", _run_context(request, run))


@login_required
@require_GET
def import_run_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """The run's state and progress bar (polled while it runs), then its report."""
    run = run_progress(data_import_get_for_user(request_user(request), run_id))
    response = render(request, "web/partials/import_run.html", _run_context(request, run))
    response["Cache-Control"] = "no-store"
    return response


def _run_context(request: HttpRequest, run: DataImport) -> dict[str, Any]:
    report = Report.from_json(run.report) if run.report else None
    try:
        title = importer_class(run.kind).title
    except KeyError:
        title = run.kind
    hint = run.rows_hint or 0
    return {
        "run": run,
        "title": title,
        "report": report,
        "percent": min(100, round(100 * run.rows_done / hint)) if hint else 0,
        "poll_seconds": POLL_SECONDS,
        "may_take_handout": bool(run.handout) and run.created_by_id == request_user(request).pk,
    }


@login_required
@require_POST
def import_run_passwords(request: HttpRequest, run_id: int) -> HttpResponse:
    """新用户初始密码: given once, to the person who ran the import."""
    try:
        run, content = data_import_handout_take(actor=request_user(request), run_id=run_id)
    except NotFound:
        # Taken already: the run's page says so (and a run of another centre is a 404).
        data_import_get_for_user(request_user(request), run_id)
        return redirect("import_run", run_id=run_id)
    name = _("first passwords") + f"-{run.pk}.csv"
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "no-store"
    return response


def _download(path: Path, name: str) -> HttpResponse:
    stream = path.open("rb")
    path.unlink()  # the open file stays readable; nothing is left behind
    response = FileResponse(stream, as_attachment=True, filename=name, content_type=XLSX)
    response["Cache-Control"] = "no-store"
    return response  # type: ignore[return-value]


def _scratch() -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=folder, suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    return Path(handle.name)


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    import_centre_for(request_user(request))
    cls = _kind_or_404(kind)
    path = _scratch()
    template_write(cls.kind, path)
    return _download(path, _("%(title)s import template.xlsx") % {"title": cls.title})


@login_required
@require_GET
def import_export(request: HttpRequest, kind: str) -> HttpResponse:
    user = request_user(request)
    centre = import_centre_for(user)
    cls = _kind_or_404(kind)
    path = _scratch()
    export_write(cls.kind, path, centre=centre, actor=user)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _download(path, f"{cls.title}-{stamp}.xlsx")


def _kind_or_404(kind: str) -> type[Importer[Any]]:
    from django.http import Http404

    try:
        return importer_class(kind)
    except KeyError:
        raise Http404 from None
