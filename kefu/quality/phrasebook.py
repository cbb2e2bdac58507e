"""The standard phrases as the workbench and the automatic checks use them (issue 18
point 6; pure Python, no ORM).

- The phrases never to say that are marked for checking become the words of the
  forbidden-phrase check (`with_library_words`), their exceptions its exclusions, so the
  library the agents read and the check the inspectors trust never disagree.
- A festival greeting is offered from three days before a statutory holiday through its
  last day (`holidays_near`): 002 第13篇 20 (“如元旦春节等节日，可适当加入‘祝您节日愉快’”),
  000 第5篇 (春节：新春快乐！).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

__all__ = [
    "FESTIVAL_DAYS_BEFORE",
    "FORBIDDEN_RULE",
    "PhraseSpec",
    "exceptions_of",
    "festival_greetings",
    "forbidden_words",
    "holiday_key",
    "holidays_near",
    "kinds_for_situation",
    "with_library_words",
]

#: A festival greeting is offered this many days before a holiday's first day off.
FESTIVAL_DAYS_BEFORE = 3
#: The rule of the default rule set whose words are the library's checked phrases.
FORBIDDEN_RULE = "forbidden_phrase"

RECOMMENDED = "recommended"
FORBIDDEN = "forbidden"
FESTIVAL = "festival"

# The holiday names the State Council's notices and the chinese-calendar package use, to
# the library's holiday (its Chinese name). A notice may name two at once (国庆节、中秋节).
_HOLIDAY_STEMS = {
    "元旦": "元旦",
    "new year": "元旦",
    "春节": "春节",
    "spring festival": "春节",
    "清明": "清明节",
    "tomb-sweeping": "清明节",
    "劳动节": "劳动节",
    "五一": "劳动节",
    "labour day": "劳动节",
    "端午": "端午节",
    "dragon boat": "端午节",
    "中秋": "中秋节",
    "mid-autumn": "中秋节",
    "国庆": "国庆节",
    "national day": "国庆节",
}
# An order's kind brings the situation its call is in (the workbench's phrase panel).
_SITUATION_OF_KIND = {"complaint": "complaint", "suggestion": "suggestion", "praise": "suggestion"}
_SEPARATORS = re.compile(r"[、，,;；/]+|\s+")
# A notice's line may name two holidays at once (国庆节、中秋节); names may hold spaces.
_NAMES = re.compile(r"[、，,;；/]+")
# A day of remembrance, not of joy: no greeting "for any holiday" is offered for it.
_SOMBRE = {"清明节"}


@dataclass(frozen=True)
class PhraseSpec:
    situation: str
    kind: str  # "recommended" or "forbidden"
    text: str
    when: str = ""
    checked: bool = False
    exceptions: str = ""
    holiday: str = ""
    source: str = ""


def exceptions_of(text: str) -> list[str]:
    """The words of an `exceptions` field: 喂养、喂奶 → ["喂养", "喂奶"]."""
    return [word for word in _SEPARATORS.split(text) if word]


def forbidden_words(phrases: Iterable[PhraseSpec]) -> tuple[list[str], list[str]]:
    """The checked phrases never to say and their exceptions, each once, in order."""
    words: dict[str, None] = {}
    exceptions: dict[str, None] = {}
    for phrase in phrases:
        if phrase.kind == FORBIDDEN and phrase.checked and phrase.text.strip():
            words[phrase.text.strip()] = None
            exceptions.update((word, None) for word in exceptions_of(phrase.exceptions))
    return list(words), list(exceptions)


def with_library_words(
    rules: Mapping[str, Any], words: list[str], exceptions: list[str]
) -> dict[str, Any]:
    """A rule set's source (the JSON of `kefu.quality.checks`) with the forbidden-phrase
    rule looking for `words` except inside `exceptions`; without words, that rule is left
    out (a library may have none checked)."""
    value = copy.deepcopy(dict(rules))
    kept = []
    for rule in value.get("rules", []):
        if rule.get("id") == FORBIDDEN_RULE:
            if not words:
                continue
            for condition in rule["conditions"].values():
                if condition.get("operator") == "keyword":
                    condition["words"] = list(words)
                    condition["exclude"] = list(exceptions)
                    if not exceptions:
                        condition.pop("exclude")
        kept.append(rule)
    value["rules"] = kept
    return value


def holiday_key(name: str) -> str:
    """The library's holiday for a calendar's holiday name ('' when none matches)."""
    lowered = name.lower()
    for stem, holiday in _HOLIDAY_STEMS.items():
        if stem in lowered:
            return holiday
    return ""


def holidays_near(today: date, holidays: Mapping[date, str]) -> list[str]:
    """The holidays (library names) whose days off fall from `today` to
    `FESTIVAL_DAYS_BEFORE` days ahead, nearest first: in the days before a holiday and
    through it, a festival greeting is in season."""
    found: dict[str, None] = {}
    for ahead in range(FESTIVAL_DAYS_BEFORE + 1):
        name = holidays.get(today + timedelta(days=ahead))
        for part in _NAMES.split(name or ""):
            key = holiday_key(part)
            if key:
                found[key] = None
    return list(found)


def festival_greetings(phrases: Iterable[PhraseSpec], holidays: list[str]) -> list[PhraseSpec]:
    """The greetings for `holidays` (holidays_near's answer): each holiday's own first,
    then those for any holiday (not for 清明节 alone); none when no holiday is near."""
    if not holidays:
        return []
    greetings = [p for p in phrases if p.situation == FESTIVAL and p.kind == RECOMMENDED]
    own = [p for name in holidays for p in greetings if p.holiday == name]
    if set(holidays) <= _SOMBRE:
        return own
    return own + [p for p in greetings if not p.holiday]


def kinds_for_situation(situation: str) -> list[str]:
    """The kinds of order that put a call in `situation` (the workbench turns its phrase
    panel to the situation when the agent picks such a kind)."""
    return [kind for kind, its in _SITUATION_OF_KIND.items() if its == situation]
