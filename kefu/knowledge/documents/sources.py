"""The files of one knowledge import: one document, the members of a .zip or the files of
a folder, read within stated limits so that a huge file or a zip bomb is refused before
anything is unpacked, and memory holds no more than the document being read. No database."""

from __future__ import annotations

import os
import posixpath
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

DOCX_SUFFIXES = frozenset({".docx"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
DOCUMENT_SUFFIXES = DOCX_SUFFIXES | MARKDOWN_SUFFIXES
ZIP_SUFFIX = ".zip"
# Bit 11 of a zip entry's flags: its name is UTF-8. Without it, archivers on Chinese
# Windows write names in the local code page, which Python reads as cp437.
UTF8_NAME = 0x800
ENCRYPTED = 0x1


@dataclass(frozen=True)
class Limits:
    """How much one import may bring; the service takes them from the settings
    (KEFU_KB_IMPORT_MAX_BYTES, KEFU_KB_IMPORT_MAX_UNPACKED_BYTES, KEFU_KB_IMPORT_MAX_FILES,
    KEFU_KB_ATTACHMENT_MAX_BYTES)."""

    # The file given: one document, or the .zip; and each file of a folder.
    max_bytes: int = 50 * 2**20
    # All the files of a .zip or a folder together once unpacked; and each .docx's parts.
    max_unpacked_bytes: int = 200 * 2**20
    # Files in a .zip or a folder; parts in a .docx.
    max_files: int = 1000
    # One image or attached file (the attachments' own limit).
    max_image_bytes: int = 10 * 2**20
    # The XML of one .docx (its text, styles, numbering): parsed whole in memory, where it
    # takes many times its size. A document of hundreds of pages holds a few MB.
    max_xml_bytes: int = 32 * 2**20


@dataclass(frozen=True)
class Problem:
    """What is wrong with one file of the batch, and where in it if that is known."""

    file: str
    message: Any  # a (lazily) translated sentence
    place: Any = ""
    # A warning is said but does not stop the import.
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.file}（{self.place}）" if self.place else self.file
        return f"{where}：{self.message}" if where else str(self.message)


class BatchRefused(Exception):
    """The batch as a whole cannot be read: nothing of it is imported."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


@dataclass
class Entry:
    """One file of the batch. `path` names it within the batch, folders separated by
    "/"; its content is read only when asked for, at most `size` bytes."""

    path: str
    size: int
    # Opens the content as a binary stream to be used in a `with` block.
    opener: Callable[[], Any] = field(repr=False)

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.path).suffix.lower()

    @property
    def folders(self) -> tuple[str, ...]:
        return PurePosixPath(self.path).parent.parts

    def read(self) -> bytes:
        with self.opener() as stream:
            return stream.read(self.size)


@dataclass
class Batch:
    """The files of one import, in the order of their paths."""

    name: str
    entries: list[Entry]
    problems: list[Problem] = field(default_factory=list)
    closers: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def documents(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.suffix in DOCUMENT_SUFFIXES]

    def find(self, path: str) -> Entry | None:
        wanted = _normal(path)
        return next((entry for entry in self.entries if entry.path == wanted), None)

    def close(self) -> None:
        for close in reversed(self.closers):
            close()
        self.closers.clear()

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _normal(path: str) -> str:
    """A path inside the batch, with no way out of it ("..", a leading "/")."""
    parts = posixpath.normpath(path.replace("\\", "/")).split("/")
    return "/".join(part for part in parts if part not in {"", ".", ".."})


def _ignored(path: str) -> bool:
    """What archivers and office software leave beside documents: macOS's resource forks
    and .DS_Store, hidden files, Word's lock files (~$name.docx)."""
    parts = path.split("/")
    return (
        parts[0] == "__MACOSX"
        or any(part.startswith(".") for part in parts)
        or parts[-1].startswith("~$")
    )


def _too_large(name: str, size: int, limit: int) -> BatchRefused:
    return BatchRefused(
        Problem(
            name,
            _("The file is %(size)s, more than the %(limit)s an import may bring.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    )


def _unsupported(name: str) -> BatchRefused:
    return BatchRefused(
        Problem(
            name,
            _(
                "Only Word documents (.docx), Markdown files (.md), or a .zip or folder "
                "of them can be imported as knowledge articles."
            ),
        )
    )


def open_upload(name: str, stream: IO[bytes], size: int, limits: Limits) -> Batch:
    """The batch in one file: a document, or a .zip of documents (and their images).
    `stream` stays open until the batch is closed."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix != ZIP_SUFFIX and suffix not in DOCUMENT_SUFFIXES:
        raise _unsupported(name)
    if size > limits.max_bytes:
        raise _too_large(name, size, limits.max_bytes)
    if suffix != ZIP_SUFFIX:

        def reopen() -> _Borrowed:
            stream.seek(0)
            return _Borrowed(stream)

        return Batch(name, [Entry(PurePosixPath(name).name, size, reopen)])
    return _open_zip(name, stream, limits)


def open_path(path: Path, limits: Limits, *, name: str = "") -> Batch:
    """The batch at `path`: a folder, a .zip or one document (of the kind `name` says,
    when the file was stored under another)."""
    if path.is_dir():
        return open_directory(path, limits)
    if not path.is_file():
        raise BatchRefused(Problem(path.name, _("There is no such file or folder.")))
    stream = path.open("rb")
    try:
        batch = open_upload(name or path.name, stream, path.stat().st_size, limits)
    except BaseException:
        stream.close()
        raise
    batch.closers.append(stream.close)
    return batch


class _Borrowed:
    """The one stream of a single-document batch, lent to whoever reads it without being
    closed by them."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        return self.stream.read(size)

    def __enter__(self) -> _Borrowed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stream.seek(0)


def _zip_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & UTF8_NAME:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _open_zip(name: str, stream: IO[bytes], limits: Limits) -> Batch:
    try:
        archive = zipfile.ZipFile(stream)
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise BatchRefused(
            Problem(name, _("The file is not a .zip archive, or it is damaged."))
        ) from error
    if len(infos) > limits.max_files:
        archive.close()
        raise BatchRefused(
            Problem(
                name,
                _("The archive holds %(count)d files, more than the %(limit)d an import may bring.")
                % {"count": len(infos), "limit": limits.max_files},
            )
        )
    # The sizes the archive declares bound what reading its members can yield (zipfile
    # stops at them), so their sum bounds the whole batch: a zip bomb stops here.
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limits.max_unpacked_bytes:
        archive.close()
        raise BatchRefused(
            Problem(
                name,
                _(
                    "Unpacked, the archive holds %(size)s, more than the %(limit)s an "
                    "import may bring."
                )
                % {
                    "size": filesizeformat(unpacked),
                    "limit": filesizeformat(limits.max_unpacked_bytes),
                },
            )
        )
    if any(info.flag_bits & ENCRYPTED for info in infos):
        archive.close()
        raise BatchRefused(
            Problem(name, _("The archive is protected by a password: pack it again without one."))
        )
    entries = []
    for info in infos:
        path = _normal(_zip_name(info))
        if path and not _ignored(path):
            entries.append(Entry(path, info.file_size, partial(archive.open, info)))
    entries.sort(key=lambda entry: entry.path)
    return Batch(name, entries, closers=[archive.close])


def _walk(root: Path) -> Iterator[Path]:
    for folder, folders, files in os.walk(root, followlinks=False):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for file in sorted(files):
            yield Path(folder, file)


def open_directory(root: Path, limits: Limits) -> Batch:
    """The documents of a folder and its sub-folders (links are not followed)."""
    entries: list[Entry] = []
    total = 0
    for file in _walk(root):
        path = file.relative_to(root).as_posix()
        if _ignored(path) or file.is_symlink() or not file.is_file():
            continue
        size = file.stat().st_size
        if size > limits.max_bytes:
            raise _too_large(path, size, limits.max_bytes)
        total += size
        entries.append(Entry(path, size, partial(file.open, "rb")))
        if len(entries) > limits.max_files:
            raise BatchRefused(
                Problem(
                    root.name,
                    _("The folder holds more than the %(limit)d files an import may bring.")
                    % {"limit": limits.max_files},
                )
            )
    if total > limits.max_unpacked_bytes:
        raise BatchRefused(
            Problem(
                root.name,
                _("The folder holds %(size)s, more than the %(limit)s an import may bring.")
                % {
                    "size": filesizeformat(total),
                    "limit": filesizeformat(limits.max_unpacked_bytes),
                },
            )
        )
    entries.sort(key=lambda entry: entry.path)
    return Batch(root.name, entries)
