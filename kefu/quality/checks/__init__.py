"""Automatic transcript checks (issue 18, point 7): pure, no database.

Read a call transcript, run a rule set over it, get the hits and a score::

    from kefu.quality import checks

    transcript = checks.read_transcript(data)           # kefu JSON, or Aliyun's / Tencent's
    result = checks.check(transcript)                   # the default rule set
    result.score, [(hit.rule, hit.sentence, hit.start, hit.text) for hit in result.hits]

- :func:`read_transcript` (bytes or text) and :func:`transcript_from_value` (parsed JSON)
  read kefu's transcript format (:mod:`.transcript`) and the file-recognition results of
  Aliyun and Tencent Cloud (:mod:`.converters`); a malformed one raises
  :class:`TranscriptError`, whose ``message`` says in Chinese where (line, column, path)
  and what.
- :func:`default_rules` is the rule set seeded from the standard phrases of 002
  第13/17/18篇 (``default_rules.json`` beside this module); :func:`read_rules` and
  :func:`rules_from_value` read an edited one (:mod:`.rules` documents the format) or
  raise :class:`RuleSetError`.
- :func:`check` gives a :class:`CheckResult`: the :class:`Hit` list (rule family, rule id,
  sentence index, start, text, what was found) and the contact's score out of 100.
- :func:`precision` gives each family's :class:`Precision` (precision and recall) on calls
  whose faults inspectors confirmed, to be shown before a rule goes live.
- :data:`FAMILIES` are the default rule set's families; each has positive and negative
  example transcripts in ``examples/`` (:func:`examples`), each with the hits an inspector
  expects (``"hits": [[family, sentence], …]``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

from kefu.quality.checks.converters import AUTO, SOURCES, convert
from kefu.quality.checks.engine import CheckResult, Hit, Precision
from kefu.quality.checks.engine import check as _check
from kefu.quality.checks.engine import precision as _precision
from kefu.quality.checks.rules import Rule, RuleSet, RuleSetError, read_rules, rules_from_value
from kefu.quality.checks.transcript import (
    AGENT,
    CUSTOMER,
    Sentence,
    Transcript,
    TranscriptError,
    decode_json,
    place,
)

__all__ = [
    "AGENT",
    "AUTO",
    "CUSTOMER",
    "FAMILIES",
    "SOURCES",
    "CheckResult",
    "Hit",
    "Precision",
    "Rule",
    "RuleSet",
    "RuleSetError",
    "Sentence",
    "Transcript",
    "TranscriptError",
    "check",
    "default_rules",
    "examples",
    "precision",
    "read_rules",
    "read_transcript",
    "rules_from_value",
    "transcript_from_value",
]

HERE: Final = Path(__file__).resolve().parent
FAMILIES: Final = (
    "greeting_missing",
    "closing_missing",
    "forbidden_phrase",
    "silence",
    "hold_no_ask",
    "hold_no_thanks",
    "interruption",
    "speech_rate",
    "anger_no_apology",
)


def transcript_from_value(value: Any, *, source: str = AUTO, agent_channel: int = 0) -> Transcript:
    """A transcript from parsed JSON: kefu's format, or (``source`` "aliyun", "tencent", or
    "auto" to tell by its shape) a recognition result whose track ``agent_channel`` is the
    agent's."""
    return convert(value, source=source, agent_channel=agent_channel)


def read_transcript(data: bytes | str, *, source: str = AUTO, agent_channel: int = 0) -> Transcript:
    """A transcript from JSON bytes or text (see :func:`transcript_from_value`); a malformed
    one raises TranscriptError with its line and column."""
    value, text = decode_json(data)
    try:
        return convert(value, source=source, agent_channel=agent_channel)
    except TranscriptError as error:
        raise place(error, text) from None


@functools.cache
def default_rules() -> RuleSet:
    """The default rule set (002 第13/17/18篇), read once per process."""
    return read_rules((HERE / "default_rules.json").read_bytes())


def check(transcript: Transcript, rules: RuleSet | None = None) -> CheckResult:
    """The hits of ``rules`` (the default rule set when None) and the contact's score."""
    return _check(transcript, default_rules() if rules is None else rules)


def precision(
    confirmed: Iterable[tuple[Transcript, Iterable[tuple[str, int]]]],
    rules: RuleSet | None = None,
) -> dict[str, Precision]:
    """Each family's precision and recall on calls paired with the faults inspectors
    confirmed there, (family, sentence index) each; the default rule set when None."""
    return _precision(default_rules() if rules is None else rules, confirmed)


def examples() -> dict[str, dict[str, list[Path]]]:
    """Each family's example transcripts: ``{family: {"positive": [...], "negative": [...]}}``;
    a positive one must hit the family, a negative one must not."""
    found: dict[str, dict[str, list[Path]]] = {}
    for path in sorted((HERE / "examples").glob("*/*.json")):
        kind = "positive" if path.name.startswith("positive") else "negative"
        found.setdefault(path.parent.name, {"positive": [], "negative": []})[kind].append(path)
    return found
