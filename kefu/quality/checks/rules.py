"""Rule sets for the transcript checks: editable JSON, read into compiled rules.

The model follows the operator rules of the speech-analytics products (Aliyun's 智能质检
among them): a **rule** holds named **conditions**, each one operator limited to a speaker
and a range of that speaker's sentences, or placed before/after/around the hits of another
condition; the rule's **logic** joins the conditions with ``and``, ``or``, ``not`` and
parentheses. A rule with an **anchor** is judged once for each hit of that condition (a
hold, an angry sentence) and reports that hit; a rule without one is judged once for the
call and reports the hits of the conditions it needs true, or, when it only needs one
false (a greeting missing), the edge of where that one looked: the first of its sentences
for a range counted from the start, the last for a range counted from the end.

A rule set in JSON::

    {"version": 1, "title": "…", "rules": [
      {"id": "hold_no_ask", "family": "hold_no_ask", "title": "保持前未征求客户同意",
       "source": "002 第17篇 22", "points": 5, "cap": 10,
       "anchor": "hold", "logic": "hold and not ask",
       "conditions": {
         "hold": {"operator": "silence", "speaker": "agent", "min_seconds": 10},
         "ask": {"operator": "keyword", "speaker": "agent", "words": ["稍等", "稍候"],
                 "relative": {"to": "hold", "position": "before", "sentences": 2}}}}]}

Operators and their settings:

- ``keyword``: ``words`` (any of them; Latin words match whole words, in any case), and
  ``exclude``: allowed phrases in which a word does not count (``喂养`` for ``喂``);
- ``regex``: ``pattern`` (Python syntax), and ``exclude``: patterns whose matches do not
  count; text is compared after NFKC (full-width ``？`` reads as ``?``);
- ``silence``: nobody speaks for at least ``min_seconds`` before a sentence (of
  ``speaker``, when given): the hit is the sentence that breaks the silence;
- ``speech_rate``: a sentence of at least ``min_chars`` characters spoken faster than
  ``max_per_minute`` (or slower than ``min_per_minute``) characters a minute;
- ``interruption``: a sentence (of ``speaker``) starting while the other party is still
  speaking, overlapping it by at least ``min_seconds``.

Every condition may have ``speaker`` (``agent`` or ``customer``; both when absent) and
``sentences``: ``[first, last]`` of that speaker's sentences, counted from 1, or from the
end when negative (``[1, 2]`` the first two, ``[-2, -1]`` the last two); or ``relative``:
``{"to": condition, "position": "before" | "after" | "around", "sentences": n}``, the
speaker's ``n`` nearest sentences on that side of each hit of the other condition.

``points`` are taken off 100 for each hit, at most ``cap`` for the rule (no cap when
absent); the contact's score is what is left, never below 0.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Final

from django.utils.translation import gettext_lazy as _

from kefu.quality.checks.logic import Logic, RuleSetError, compile_logic
from kefu.quality.checks.logic import fail as _fail
from kefu.quality.checks.transcript import (
    AGENT,
    CUSTOMER,
    Path,
    TranscriptError,
    decode_json,
    place,
    shown,
)

OPERATORS: Final = ("keyword", "regex", "silence", "speech_rate", "interruption")
POSITIONS: Final = ("before", "after", "around")
MAX_RULES: Final = 500
MAX_WORDS: Final = 2_000
MAX_PATTERN: Final = 2_000
_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_LATIN: Final = re.compile(r"[A-Za-z0-9 ]+")


def normalize(text: str) -> str:
    """Text as the keyword and regex operators compare it: NFKC, lower case."""
    return unicodedata.normalize("NFKC", text).lower()


@dataclass(frozen=True, slots=True)
class Relative:
    """A condition placed by another's hits: the speaker's ``sentences`` nearest ones on
    ``position``'s side."""

    to: str
    position: str
    sentences: int


@dataclass(frozen=True, slots=True)
class Condition:
    """One operator, limited to a speaker and a range of its sentences or placed by another
    condition's hits (see the module's documentation)."""

    name: str
    operator: str
    speaker: str | None = None
    first: int | None = None
    last: int | None = None
    relative: Relative | None = None
    pattern: re.Pattern[str] | None = None
    exclude: re.Pattern[str] | None = None
    min_seconds: float = 0.0
    min_chars: int = 0
    max_per_minute: float | None = None
    min_per_minute: float | None = None


# The logic, compiled: a function of "is condition X true?" (asked lazily, so a rule
# "hold and not ask" looks for the ask only around a hold).


@dataclass(frozen=True, slots=True)
class Rule:
    """A check: when its logic holds, a hit of ``family`` worth ``points`` (see module)."""

    id: str
    family: str
    title: str
    source: str
    points: int
    cap: int | None
    conditions: dict[str, Condition]
    logic: Logic
    logic_text: str
    anchor: str | None
    positive: tuple[str, ...]  # conditions the logic needs true (not under a "not")
    negative: tuple[str, ...]  # conditions the logic needs false


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Rules in the order they are reported; ``source`` is the JSON they were read from."""

    title: str
    version: int
    rules: tuple[Rule, ...]
    source: dict[str, Any] = field(compare=False, repr=False)

    @property
    def families(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(rule.family for rule in self.rules))


def _object(value: Any, path: Path) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail("object", path, _("This must be a JSON object."))
    return value


def _get(value: dict[str, Any], name: str, path: Path, kind: type | tuple[type, ...]) -> Any:
    if name not in value:
        raise _fail("missing", (*path, name), _("%(field)s is missing."), {"field": name})
    found = value[name]
    if not isinstance(found, kind) or isinstance(found, bool) != (kind is bool):
        raise _fail(
            "type",
            (*path, name),
            _("%(field)s has the wrong type: %(value)s."),
            {"field": name, "value": shown(found)},
        )
    return found


def _number(
    value: dict[str, Any], name: str, path: Path, *, default: float | None, low: float = 0
) -> float | None:
    if name not in value:
        if default is None:
            return None
        return default
    found = value[name]
    if type(found) not in (int, float) or not low <= found <= 1e6:
        raise _fail(
            "number",
            (*path, name),
            _("%(field)s must be a number from %(low)s to 1000000, not %(value)s."),
            {"field": name, "low": low, "value": shown(found)},
        )
    return float(found)


def _strings(value: dict[str, Any], name: str, path: Path, *, required: bool) -> list[str]:
    if name not in value and not required:
        return []
    items = _get(value, name, path, list)
    if (required and not items) or len(items) > MAX_WORDS:
        raise _fail(
            "words",
            (*path, name),
            _("%(field)s must list from 1 to %(limit)s phrases."),
            {"field": name, "limit": MAX_WORDS},
        )
    for index, item in enumerate(items):
        if not isinstance(item, str) or not item.strip() or len(item) > MAX_PATTERN:
            raise _fail(
                "word",
                (*path, name, index),
                _("A phrase must be non-empty text, not %(value)s."),
                {"value": shown(item)},
            )
    return items


def _words(words: list[str]) -> re.Pattern[str]:
    """One pattern for the phrases: Latin ones as whole words, longest first."""
    parts = []
    for word in sorted({normalize(word) for word in words}, key=len, reverse=True):
        escaped = re.escape(word)
        if _LATIN.fullmatch(word):
            escaped = f"(?<![a-z]){escaped}(?![a-z])"
        parts.append(escaped)
    return re.compile("|".join(parts))


def _regex(patterns: list[str], path: Path) -> re.Pattern[str]:
    for index, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as error:
            reason = str(error)
            raise _fail(
                "regex",
                (*path, index),
                _("%(pattern)s is not a valid regular expression (%(reason)s)."),
                {"pattern": shown(pattern), "reason": reason},
            ) from None
    return re.compile("|".join(f"(?:{normalize(pattern)})" for pattern in patterns))


def _speaker(value: dict[str, Any], path: Path) -> str | None:
    speaker = value.get("speaker")
    if speaker is None:
        return None
    if speaker not in (AGENT, CUSTOMER):
        raise _fail(
            "speaker",
            (*path, "speaker"),
            _('speaker must be "agent" or "customer", not %(value)s.'),
            {"value": shown(speaker)},
        )
    return str(speaker)


def _range(value: dict[str, Any], path: Path) -> tuple[int | None, int | None]:
    if "sentences" not in value:
        return None, None
    bounds = value["sentences"]
    if (
        not isinstance(bounds, list)
        or len(bounds) != 2
        or any(type(bound) is not int or bound == 0 for bound in bounds)
        or (bounds[0] > 0) != (bounds[1] > 0)
        or bounds[0] > bounds[1]
    ):
        raise _fail(
            "range",
            (*path, "sentences"),
            _(
                "sentences must be [first, last], counted from 1 (or from the end when "
                "negative, -1 the last), first not after last: not %(value)s."
            ),
            {"value": shown(bounds)},
        )
    return int(bounds[0]), int(bounds[1])


def _relative(value: dict[str, Any], path: Path, names: set[str], own: str) -> Relative | None:
    if "relative" not in value:
        return None
    where = (*path, "relative")
    relative = _object(value["relative"], where)
    to = _get(relative, "to", where, str)
    if to not in names or to == own:
        raise _fail(
            "relative",
            (*where, "to"),
            _("%(name)s is not another condition of this rule."),
            {"name": shown(to)},
        )
    position = _get(relative, "position", where, str)
    if position not in POSITIONS:
        raise _fail(
            "position",
            (*where, "position"),
            _('position must be "before", "after" or "around", not %(value)s.'),
            {"value": shown(position)},
        )
    count = _get(relative, "sentences", where, int)
    if not 1 <= count <= 1000:
        raise _fail(
            "count",
            (*where, "sentences"),
            _("sentences must be a whole number from 1 to 1000, not %(value)s."),
            {"value": shown(count)},
        )
    return Relative(to, position, count)


def _condition(name: str, value: Any, path: Path, names: set[str]) -> Condition:
    value = _object(value, path)
    operator = _get(value, "operator", path, str)
    if operator not in OPERATORS:
        raise _fail(
            "operator",
            (*path, "operator"),
            _("operator must be one of %(operators)s, not %(value)s."),
            {"operators": "、".join(OPERATORS), "value": shown(operator)},
        )
    first, last = _range(value, path)
    relative = _relative(value, path, names, name)
    common: dict[str, Any] = {
        "name": name,
        "operator": operator,
        "speaker": _speaker(value, path),
        "first": first,
        "last": last,
        "relative": relative,
    }
    if operator == "keyword":
        exclude = _strings(value, "exclude", path, required=False)
        return Condition(
            **common,
            pattern=_words(_strings(value, "words", path, required=True)),
            exclude=_words(exclude) if exclude else None,
        )
    if operator == "regex":
        pattern = value.get("pattern")
        patterns = _strings(
            {"pattern": [pattern] if isinstance(pattern, str) else pattern},
            "pattern",
            path,
            required=True,
        )
        exclude = _strings(value, "exclude", path, required=False)
        return Condition(
            **common,
            pattern=_regex(patterns, (*path, "pattern")),
            exclude=_regex(exclude, (*path, "exclude")) if exclude else None,
        )
    if operator == "speech_rate":
        fastest = _number(value, "max_per_minute", path, default=None)
        slowest = _number(value, "min_per_minute", path, default=None)
        if fastest is None and slowest is None:
            raise _fail(
                "rate",
                (*path, "max_per_minute"),
                _("Give max_per_minute or min_per_minute (characters a minute)."),
            )
        return Condition(
            **common,
            max_per_minute=fastest,
            min_per_minute=slowest,
            min_chars=int(_number(value, "min_chars", path, default=1) or 1),
        )
    # silence and interruption
    least = _number(value, "min_seconds", path, default=None, low=0.01)
    if least is None:
        raise _fail(
            "missing",
            (*path, "min_seconds"),
            _("%(field)s is missing."),
            {"field": "min_seconds"},
        )
    return Condition(**common, min_seconds=least)


def _rule(value: Any, path: Path) -> Rule:
    value = _object(value, path)
    rule_id = _get(value, "id", path, str)
    if not _NAME.fullmatch(rule_id):
        raise _fail(
            "id",
            (*path, "id"),
            _("id must be a short name of letters, digits and _, not %(value)s."),
            {"value": shown(rule_id)},
        )
    family = value.get("family", rule_id)
    if not isinstance(family, str) or not _NAME.fullmatch(family):
        raise _fail(
            "family",
            (*path, "family"),
            _("family must be a short name of letters, digits and _, not %(value)s."),
            {"value": shown(family)},
        )
    conditions_value = _object(_get(value, "conditions", path, dict), (*path, "conditions"))
    if not conditions_value:
        raise _fail(
            "conditions",
            (*path, "conditions"),
            _("A rule needs at least one condition."),
        )
    names = set(conditions_value)
    for name in names:
        if not _NAME.fullmatch(name) or name in ("and", "or", "not"):
            raise _fail(
                "name",
                (*path, "conditions", name),
                _("A condition's name must be letters, digits and _, not %(value)s."),
                {"value": shown(name)},
            )
    conditions = {
        name: _condition(name, condition, (*path, "conditions", name), names)
        for name, condition in conditions_value.items()
    }
    for name in conditions:
        seen = [name]
        relative = conditions[name].relative
        while relative is not None:
            if relative.to in seen:
                raise _fail(
                    "circle",
                    (*path, "conditions", name, "relative"),
                    _("The conditions %(names)s are placed by each other in a circle."),
                    {"names": "、".join(seen)},
                )
            seen.append(relative.to)
            relative = conditions[relative.to].relative
    logic_text = _get(value, "logic", path, str)
    logic, positive, negative = compile_logic(logic_text, names, (*path, "logic"))
    anchor = value.get("anchor")
    if anchor is not None and (anchor not in names or anchor not in positive):
        raise _fail(
            "anchor",
            (*path, "anchor"),
            _("anchor must name a condition the logic needs true, not %(value)s."),
            {"value": shown(anchor)},
        )
    points = _get(value, "points", path, int)
    cap = value.get("cap")
    if not 0 <= points <= 100 or (
        cap is not None and (type(cap) is not int or not points <= cap <= 100)
    ):
        raise _fail(
            "points",
            (*path, "points"),
            _(
                "points must be a whole number from 0 to 100, and cap (when given) from "
                "points to 100."
            ),
        )
    title = value.get("title", rule_id)
    source = value.get("source", "")
    return Rule(
        id=rule_id,
        family=family,
        title=title if isinstance(title, str) else rule_id,
        source=source if isinstance(source, str) else "",
        points=points,
        cap=cap,
        conditions=conditions,
        logic=logic,
        logic_text=logic_text,
        anchor=anchor,
        positive=positive,
        negative=negative,
    )


def rules_from_value(value: Any) -> RuleSet:
    """A rule set from its parsed JSON, or RuleSetError saying where and what."""
    value = _object(value, ())
    items = _get(value, "rules", (), list)
    if not items or len(items) > MAX_RULES:
        raise _fail(
            "rules",
            ("rules",),
            _("rules must list from 1 to %(limit)s rules."),
            {"limit": MAX_RULES},
        )
    rules = tuple(_rule(item, ("rules", index)) for index, item in enumerate(items))
    seen: set[str] = set()
    for index, rule in enumerate(rules):
        if rule.id in seen:
            raise _fail(
                "duplicate",
                ("rules", index, "id"),
                _("Two rules have the id %(id)s."),
                {"id": rule.id},
            )
        seen.add(rule.id)
    version = value.get("version", 1)
    title = value.get("title", "")
    return RuleSet(
        title=title if isinstance(title, str) else "",
        version=version if type(version) is int else 1,
        rules=rules,
        source=value,
    )


def read_rules(data: bytes | str) -> RuleSet:
    """A rule set from JSON text or bytes, or RuleSetError with the line and column."""
    try:
        value, text = decode_json(data)
    except TranscriptError as error:
        raise RuleSetError(
            error.code, error.text, error.params, error.path, error.line, error.column
        ) from None
    try:
        return rules_from_value(value)
    except RuleSetError as error:
        raise place(error, text) from None


def dumps(rules: RuleSet) -> str:
    """The rule set's JSON, as it was read (for editing and storing)."""
    return json.dumps(rules.source, ensure_ascii=False, indent=2)
