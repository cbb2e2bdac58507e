"""Call transcripts in kefu's documented JSON format, read with errors that say where.

The kefu transcript format (one JSON object, UTF-8, a byte-order mark allowed)::

    {"sentences": [
        {"speaker": "agent", "start": 0.0, "end": 3.2, "text": "您好，很高兴为您服务。"},
        {"speaker": "customer", "start": 3.6, "end": 6.1, "text": "我家停电了。"}
    ]}

- ``speaker``: ``"agent"`` (客服代表) or ``"customer"`` (客户);
- ``start``, ``end``: seconds from the start of the recording, numbers from 0 to 86,400,
  ``end`` not before ``start``;
- ``text``: what was said, a string of at most 2,000 characters (it may be empty);
- the sentences in the order they start (a sentence starts no earlier than the one before
  it; the two parties' sentences may overlap: that is an interruption);
- other keys, in the object or in a sentence, are ignored, so a platform may add its own.

A sentence is named by its index in ``sentences`` (0 for the first), as every hit is.
Speech-recognition services deliver other shapes; :mod:`.converters` turns Aliyun's and
Tencent's file-recognition results into this one.

Errors are :class:`TranscriptError`: a stable ``code`` for programs and a Chinese
``message`` for people that names the place: the line and column in the file and the path
in the JSON (``sentences[3].start``).
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import math
from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

AGENT: Final = "agent"
CUSTOMER: Final = "customer"
SPEAKERS: Final = (AGENT, CUSTOMER)
# Bounds that keep one file from costing a worker minutes: a day of recording, a sentence
# far longer than anyone speaks at once, ten thousand sentences (a 5-minute call has ~100).
MAX_SECONDS: Final = 86_400
MAX_TEXT: Final = 2_000
MAX_SENTENCES: Final = 10_000
MAX_BYTES: Final = 20_000_000

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a transcript: who said it, when (seconds), what."""

    speaker: str
    start: float
    end: float
    text: str


@dataclass(frozen=True, slots=True)
class Transcript:
    """A call's sentences in the order they start."""

    sentences: tuple[Sentence, ...]

    def as_dict(self) -> dict[str, Any]:
        """The transcript in kefu's JSON format."""
        return {
            "sentences": [
                {"speaker": s.speaker, "start": s.start, "end": s.end, "text": s.text}
                for s in self.sentences
            ]
        }


class TranscriptError(ValueError):
    """A transcript (or a recognition result) that cannot be read.

    ``code`` is stable, for programs and tests; ``message`` is Chinese, for people, and
    names the place: ``line`` and ``column`` in the file when known, and ``path`` in the
    JSON (e.g. ``("sentences", 3, "start")``).
    """

    def __init__(
        self,
        code: str,
        text: str | Promise,
        params: dict[str, Any] | None = None,
        path: Path = (),
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        # Only the code goes into args: forcing a lazy translation needs settings.
        super().__init__(code)
        self.code = code
        self.text = text
        self.params = params
        self.path = path
        self.line = line
        self.column = column

    @property
    def problem(self) -> str:
        """What is wrong, without the place."""
        return str(self.text) % self.params if self.params else str(self.text)

    @property
    def where(self) -> str:
        """The place: line and column when known, and the path in the JSON."""
        path = path_text(self.path)
        if self.line is not None:
            place = str(_("line %(line)s, column %(column)s")) % {
                "line": self.line,
                "column": self.column,
            }
            return f"{place}（{path}）" if path else place
        return path

    @property
    def message(self) -> str:
        where = self.where
        return f"{where}：{self.problem}" if where else self.problem

    def __str__(self) -> str:
        try:
            return self.message
        except ImproperlyConfigured:  # a bare script without settings: the code says it
            return self.code


def path_text(path: Path) -> str:
    """``("sentences", 3, "start")`` → ``sentences[3].start``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def shown(value: Any) -> str:
    """A value from the file as the message quotes it, cut short."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def fail(
    code: str, path: Path, text: str | Promise, params: dict[str, Any] | None = None
) -> TranscriptError:
    return TranscriptError(code, text, params, path)


# --- reading JSON text ------------------------------------------------------------------

# json's messages, said in Chinese (the rest are rare and read as "malformed").
_JSON_PROBLEMS: Final[dict[str, Promise]] = {
    "Expecting value": _("a value is missing"),
    "Expecting ',' delimiter": _("a comma is missing"),
    "Expecting ':' delimiter": _("a colon is missing"),
    "Expecting property name enclosed in double quotes": _("a key must be in double quotes"),
    "Unterminated string starting at": _("a string is not closed"),
    "Invalid control character at": _("a string holds a control character"),
    "Invalid \\escape": _("a string holds an invalid escape"),
    "Extra data": _("there is more after the JSON object"),
    "Illegal trailing comma before end of object": _("a comma stands before }"),
    "Illegal trailing comma before end of array": _("a comma stands before ]"),
}


def decode_json(data: bytes | str) -> tuple[Any, str]:
    """The JSON value in ``data`` and its text, or TranscriptError with the line and column."""
    if isinstance(data, bytes | bytearray):
        if len(data) > MAX_BYTES:
            size = len(data)
            raise TranscriptError(
                "too_large",
                _("The file has %(size)s bytes, more than the %(limit)s allowed."),
                {"size": f"{size:,}", "limit": f"{MAX_BYTES:,}"},
            )
        try:
            text = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            # Counted from 1 in the file as it is, byte-order mark included.
            offset = error.start + 1 + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
            raise TranscriptError(
                "not_utf8",
                _("The file is not UTF-8 text (byte %(offset)s)."),
                {"offset": offset},
            ) from None
    else:
        text = data.removeprefix("\ufeff")
    try:
        return json.loads(text), text
    except json.JSONDecodeError as error:
        known = next(
            (say for start, say in _JSON_PROBLEMS.items() if error.msg.startswith(start)), None
        )
        raise TranscriptError(
            "json",
            _("The JSON is malformed: %(problem)s."),
            {"problem": known if known else _("it cannot be read")},
            line=error.lineno,
            column=error.colno,
        ) from None
    except RecursionError:
        raise TranscriptError(
            "json", _("The JSON is nested too deeply to be a transcript.")
        ) from None


def _positions(text: str) -> tuple[Any, dict[int, int]]:
    """The JSON value of ``text`` again, with the offset of each object and list in it (by
    ``id``): the slow pure-Python scanner, used only to place an error."""
    offsets: dict[int, int] = {}
    decoder = json.JSONDecoder()

    def parse_object(s_and_end: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        value, end = json.decoder.JSONObject(  # type: ignore[attr-defined]
            s_and_end, *args, **kwargs
        )
        offsets[id(value)] = s_and_end[1] - 1
        return value, end

    def parse_array(s_and_end: tuple[str, int], scan_once: Any, *args: Any) -> Any:
        value, end = json.decoder.JSONArray(  # type: ignore[attr-defined]
            s_and_end, scan_once, *args
        )
        offsets[id(value)] = s_and_end[1] - 1
        return value, end

    decoder.parse_object = parse_object  # type: ignore[attr-defined]
    decoder.parse_array = parse_array  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    return decoder.decode(text), offsets


def place(error: TranscriptError, text: str) -> TranscriptError:
    """``error`` with the line and column of the deepest object or list on its path."""
    if error.line is not None or not error.path:
        return error
    try:
        value, offsets = _positions(text)
    except (ValueError, RecursionError):
        return error
    offset = offsets.get(id(value))
    for part in error.path:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            break
        offset = offsets.get(id(value), offset)
    if offset is not None:
        error.line = text.count("\n", 0, offset) + 1
        error.column = offset - text.rfind("\n", 0, offset)
    return error


# --- the kefu format ----------------------------------------------------------------------


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return str(_("an object"))
    if isinstance(value, list):
        return str(_("a list"))
    return shown(value)


def seconds(value: Any, path: Path) -> float:
    """A time in seconds from 0 to MAX_SECONDS, or TranscriptError."""
    if type(value) not in (int, float) or not math.isfinite(value):
        raise fail(
            "time",
            path,
            _("%(field)s must be a number of seconds, not %(value)s."),
            {"field": path[-1], "value": _kind(value)},
        )
    if not 0 <= value <= MAX_SECONDS:
        raise fail(
            "time_range",
            path,
            _("%(field)s %(value)s is out of range (0 to %(limit)s seconds)."),
            {"field": path[-1], "value": value, "limit": MAX_SECONDS},
        )
    return float(value)


def sentence_list(value: Any, path: Path) -> list[Any]:
    """The list of sentences at ``path``, or TranscriptError."""
    if not isinstance(value, list):
        raise fail(
            "sentences",
            path,
            _("%(field)s must be a list of sentences, not %(value)s."),
            {"field": path[-1], "value": _kind(value)},
        )
    if len(value) > MAX_SENTENCES:
        count = len(value)
        raise fail(
            "too_many",
            path,
            _("%(count)s sentences are more than the %(limit)s a transcript may have."),
            {"count": f"{count:,}", "limit": f"{MAX_SENTENCES:,}"},
        )
    return value


def text_of(value: Any, path: Path) -> str:
    if not isinstance(value, str):
        raise fail(
            "text",
            path,
            _("%(field)s must be a string, not %(value)s."),
            {"field": path[-1], "value": _kind(value)},
        )
    if len(value) > MAX_TEXT:
        length = len(value)
        raise fail(
            "text_length",
            path,
            _("The text has %(length)s characters, more than the %(limit)s allowed."),
            {"length": f"{length:,}", "limit": f"{MAX_TEXT:,}"},
        )
    return value


def missing(path: Path) -> TranscriptError:
    return fail("missing", path, _("%(field)s is missing."), {"field": path[-1]})


def in_order(sentences: list[Sentence], path: Path) -> tuple[Sentence, ...]:
    """The sentences as given, refused where one starts before the one before it."""
    for index in range(1, len(sentences)):
        if sentences[index].start < sentences[index - 1].start:
            current, previous = sentences[index].start, sentences[index - 1].start
            raise fail(
                "order",
                (*path, index),
                _(
                    "This sentence starts at %(start)s s, before the one before it "
                    "(%(previous)s s): sentences must be in the order they start."
                ),
                {"start": f"{current:g}", "previous": f"{previous:g}"},
            )
    return tuple(sentences)


def sentence_at(start: float, end: float, path: Path) -> None:
    if end < start:
        raise fail(
            "end_before_start",
            path,
            _("The sentence ends at %(end)s s, before it starts (%(start)s s)."),
            {"end": f"{end:g}", "start": f"{start:g}"},
        )


def from_kefu(value: Any) -> Transcript:
    """A transcript from a parsed JSON value in kefu's format, or TranscriptError."""
    if not isinstance(value, dict):
        raise fail(
            "not_object",
            (),
            _('The file must hold one JSON object with a "sentences" list.'),
        )
    if "sentences" not in value:
        raise missing(("sentences",))
    items = sentence_list(value["sentences"], ("sentences",))
    sentences: list[Sentence] = []
    append = sentences.append
    for index, item in enumerate(items):
        path: Path = ("sentences", index)
        if type(item) is not dict:
            raise fail(
                "sentence",
                path,
                _("A sentence must be an object with speaker, start, end and text."),
            )
        speaker = item.get("speaker")
        if speaker != AGENT and speaker != CUSTOMER:
            if "speaker" not in item:
                raise missing((*path, "speaker"))
            raise fail(
                "speaker",
                (*path, "speaker"),
                _('speaker must be "agent" or "customer", not %(value)s.'),
                {"value": _kind(speaker)},
            )
        for field in ("start", "end", "text"):
            if field not in item:
                raise missing((*path, field))
        start = item["start"]
        end = item["end"]
        text = item["text"]
        # The common case checked at once; the helpers say what is wrong otherwise.
        if not (
            type(start) in (int, float)
            and type(end) in (int, float)
            and 0 <= start <= end <= MAX_SECONDS
            and type(text) is str
            and len(text) <= MAX_TEXT
        ):
            start = seconds(start, (*path, "start"))
            end = seconds(end, (*path, "end"))
            sentence_at(start, end, path)
            text = text_of(text, (*path, "text"))
        append(Sentence(speaker, float(start), float(end), text))
    return Transcript(in_order(sentences, ("sentences",)))
