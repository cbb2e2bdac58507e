"""Running a rule set over a transcript: the hits, and the contact's score.

Each condition is evaluated at most once per transcript over its own range (its hits are
kept), and a placed condition only over the few sentences near the hit it is placed by; the
logic asks for a condition only when it needs it. See :mod:`.rules` for the model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from kefu.quality.checks.rules import Condition, Rule, RuleSet, normalize
from kefu.quality.checks.transcript import AGENT, CUSTOMER, Transcript

FULL_SCORE: Final = 100
# What counts as a character when the speech rate is measured: a Han character, a digit,
# or a Latin word (punctuation and spaces are not spoken).
_SPOKEN: Final = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[0-9]|[A-Za-z]+")


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule's finding: the rule's family and id, the sentence (its index, start in
    seconds, text) and what was found there (the phrase, the seconds of silence or
    overlap, the characters a minute)."""

    rule: str
    rule_id: str
    sentence: int
    start: float
    text: str
    detail: str

    def as_dict(self) -> dict[str, Any]:
        """The hit as `kefu qa check --format json` prints it."""
        return {
            "rule": self.rule,
            "sentence": self.sentence,
            "start": self.start,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The hits in the order of the sentences (then of the rules), and the score: 100 less
    each rule's points for its hits (at most its cap), not below 0."""

    hits: tuple[Hit, ...]
    score: int
    deductions: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {"hits": [hit.as_dict() for hit in self.hits], "score": self.score}


# A condition's hit: the sentence, where it stands (a silence stands just before the
# sentence that breaks it), and what was found.
_Found = tuple[int, float, str]


class _Call:
    """One transcript as the conditions read it, with what has been worked out so far."""

    def __init__(self, transcript: Transcript) -> None:
        self.sentences = transcript.sentences
        everyone = list(range(len(self.sentences)))
        self.by_speaker: dict[str | None, list[int]] = {
            None: everyone,
            AGENT: [i for i in everyone if self.sentences[i].speaker == AGENT],
            CUSTOMER: [i for i in everyone if self.sentences[i].speaker == CUSTOMER],
        }
        self._texts: list[str | None] = [None] * len(self.sentences)
        self._found: dict[int, list[_Found]] = {}
        # Silence before each sentence: its start less the latest end before it.
        self._gaps: list[float] | None = None

    def text(self, index: int) -> str:
        text = self._texts[index]
        if text is None:
            text = self._texts[index] = normalize(self.sentences[index].text)
        return text

    def gaps(self) -> list[float]:
        if self._gaps is None:
            gaps = [0.0] * len(self.sentences)
            latest = None
            for index, sentence in enumerate(self.sentences):
                if latest is not None:
                    gaps[index] = sentence.start - latest
                latest = sentence.end if latest is None else max(latest, sentence.end)
            self._gaps = gaps
        return self._gaps

    def scope(self, condition: Condition) -> list[int]:
        """The sentences a condition looks at on its own: its speaker's, in its range."""
        own = self.by_speaker[condition.speaker]
        if condition.first is None or condition.last is None:
            return own
        count = len(own)
        if condition.first > 0:
            return own[condition.first - 1 : condition.last]
        return own[max(0, count + condition.first) : max(0, count + condition.last + 1)]

    def near(self, condition: Condition, position: float) -> list[int]:
        """The sentences a placed condition looks at, by a hit standing at ``position``."""
        relative = condition.relative
        if relative is None:
            return self.scope(condition)
        own = self.scope(condition)
        before = [i for i in own if i < position][-relative.sentences :]
        after = [i for i in own if i > position][: relative.sentences]
        if relative.position == "before":
            return before
        if relative.position == "after":
            return after
        return before + after

    def found(self, condition: Condition) -> list[_Found]:
        """The condition's hits over its own scope (not placed by another)."""
        key = id(condition)
        hits = self._found.get(key)
        if hits is None:
            hits = self._found[key] = list(self.match(condition, self.scope(condition)))
        return hits

    def match(self, condition: Condition, indices: list[int]) -> Iterator[_Found]:
        operator = condition.operator
        sentences = self.sentences
        if operator in ("keyword", "regex"):
            pattern, exclude = condition.pattern, condition.exclude
            if pattern is None:
                return
            for index in indices:
                text = self.text(index)
                if exclude is not None:
                    text = exclude.sub(lambda m: "\0" * len(m.group()), text)
                hit = pattern.search(text)
                if hit is not None:
                    # What was said, as written, where normalising kept the length.
                    said = sentences[index].text
                    found = said[hit.start() : hit.end()] if len(said) == len(text) else hit.group()
                    yield index, float(index), found
        elif operator == "silence":
            gaps = self.gaps()
            for index in indices:
                if gaps[index] >= condition.min_seconds:
                    yield index, index - 0.5, f"{gaps[index]:.1f}"
        elif operator == "interruption":
            speakers = {i: sentences[i].speaker for i in indices}
            latest: dict[str, float] = {}
            wanted = set(indices)
            for index, sentence in enumerate(sentences):
                if index in wanted:
                    other = CUSTOMER if speakers[index] == AGENT else AGENT
                    overlap = min(latest.get(other, 0.0), sentence.end) - sentence.start
                    if overlap >= condition.min_seconds:
                        yield index, float(index), f"{overlap:.1f}"
                latest[sentence.speaker] = max(latest.get(sentence.speaker, 0.0), sentence.end)
        elif operator == "speech_rate":
            for index in indices:
                sentence = sentences[index]
                duration = sentence.end - sentence.start
                if duration <= 0:
                    continue
                spoken = len(_SPOKEN.findall(sentence.text))
                if spoken < condition.min_chars:
                    continue
                rate = spoken * 60 / duration
                fastest, slowest = condition.max_per_minute, condition.min_per_minute
                if (fastest is not None and rate > fastest) or (
                    slowest is not None and rate < slowest
                ):
                    yield index, float(index), f"{rate:.0f}"

    def holds(self, rule: Rule, name: str, by: _Found | None) -> list[_Found]:
        """Where condition ``name`` of ``rule`` holds: placed by the anchor's hit ``by``, by
        any hit of the condition it is placed by, or over its own scope."""
        condition = rule.conditions[name]
        relative = condition.relative
        if relative is None:
            return self.found(condition)
        if by is not None and relative.to == rule.anchor:
            return list(self.match(condition, self.near(condition, by[1])))
        found: list[_Found] = []
        for other in self.holds(rule, relative.to, by):
            found.extend(self.match(condition, self.near(condition, other[1])))
        return found

    def edge(self, condition: Condition) -> int | None:
        """Where a missing condition is reported: the first sentence it looked at (the last
        for a range counted from the end); sentence 0 when it had none to look at."""
        scope = self.scope(condition)
        if scope:
            return scope[-1] if (condition.first or 0) < 0 else scope[0]
        return 0 if self.sentences else None


def _judge(call: _Call, rule: Rule) -> list[tuple[int, str]]:
    """The sentences where ``rule`` hits, with what was found."""
    if rule.anchor is not None:
        results = []
        for anchor in call.found(rule.conditions[rule.anchor]):
            known: dict[str, bool] = {}

            def truth(name: str, anchor: _Found = anchor, known: dict[str, bool] = known) -> bool:
                if name == rule.anchor:
                    return True
                if name not in known:
                    known[name] = bool(call.holds(rule, name, anchor))
                return known[name]

            if rule.logic(truth):
                results.append((anchor[0], anchor[2]))
        return results
    held: dict[str, list[_Found]] = {}

    def once(name: str) -> bool:
        if name not in held:
            held[name] = call.holds(rule, name, None)
        return bool(held[name])

    if not rule.logic(once):
        return []
    results = [(found[0], found[2]) for name in rule.positive for found in held.get(name, [])]
    if results:
        return results
    for name in rule.negative:
        edge = call.edge(rule.conditions[name])
        if edge is not None:
            return [(edge, "")]
    return []


def check(transcript: Transcript, rules: RuleSet) -> CheckResult:
    """The hits of ``rules`` in ``transcript`` and the contact's score."""
    call = _Call(transcript)
    hits: list[tuple[int, int, Hit]] = []
    deductions: dict[str, int] = {}
    for order, rule in enumerate(rules.rules):
        seen: set[int] = set()
        for index, detail in _judge(call, rule):
            if index in seen:
                continue
            seen.add(index)
            sentence = transcript.sentences[index]
            hit = Hit(rule.family, rule.id, index, sentence.start, sentence.text, detail)
            hits.append((index, order, hit))
        if seen and rule.points:
            taken = rule.points * len(seen)
            deductions[rule.id] = taken if rule.cap is None else min(taken, rule.cap)
    hits.sort(key=lambda item: (item[0], item[1]))
    score = max(0, FULL_SCORE - sum(deductions.values()))
    return CheckResult(tuple(hit for _i, _o, hit in hits), score, deductions)


@dataclass(frozen=True, slots=True)
class Precision:
    """How a rule family fared on calls whose faults inspectors confirmed: its ``hits``,
    how many of them an inspector ``confirmed``, and the faults it ``missed``."""

    family: str
    hits: int
    confirmed: int
    missed: int

    @property
    def precision(self) -> float | None:
        """Confirmed ÷ hits: the share of its hits that are true faults (None: no hit)."""
        return self.confirmed / self.hits if self.hits else None

    @property
    def recall(self) -> float | None:
        """Confirmed ÷ the faults inspectors found: the share it catches (None: none)."""
        found = self.confirmed + self.missed
        return self.confirmed / found if found else None


def precision(
    rules: RuleSet, confirmed: Iterable[tuple[Transcript, Iterable[tuple[str, int]]]]
) -> dict[str, Precision]:
    """Each family's precision and recall on calls an inspector judged: ``confirmed`` pairs
    each transcript with the faults the inspector confirmed there, as (family, sentence),
    so that a rule's figures can be shown before it goes live (issue 18, point 7)."""
    counts = {family: [0, 0, 0] for family in rules.families}
    for transcript, faults in confirmed:
        true = set(faults)
        found = {(hit.rule, hit.sentence) for hit in check(transcript, rules).hits}
        for family, _sentence in found:
            counts[family][0] += 1
        for family, _sentence in found & true:
            counts[family][1] += 1
        for family, _sentence in true - found:
            counts.setdefault(family, [0, 0, 0])[2] += 1
    return {family: Precision(family, *figures) for family, figures in counts.items()}
