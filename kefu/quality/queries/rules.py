"""The automatic checks a centre runs and how well each has done (issue 18 point 7): the
default rule set less the families taken off, and each family's precision and recall on
the answers inspectors confirmed or changed.

An item tied to a check is pre-filled from the transcript (not met when the check hit);
the answer records whether the inspector left it as pre-filled (`automatic`). So for each
family, over the scores that count:

- kept "not met" (a hit the inspector confirmed): a true hit;
- changed to "met" (a hit the inspector overruled): a false hit;
- changed to "not met" (a fault the check missed): a miss.

Precision = true / (true + false); recall = true / (true + missed). Not-applicable answers
say nothing about the check and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Count, Q

from kefu.quality import checks
from kefu.quality.models import Answer, EvaluationPurpose, RuleSwitch
from kefu.quality.phrasebook import FORBIDDEN_RULE, with_library_words
from kefu.quality.queries.phrases import library_words
from kefu.quality.rule_names import RULE_NAMES


def live_families(centre_id: int) -> set[str]:
    off = RuleSwitch.objects.filter(centre_id=centre_id, live=False).values_list(
        "family", flat=True
    )
    return set(checks.FAMILIES) - set(off)


def live_rules(centre_id: int) -> checks.RuleSet:
    """The default rule set with only the centre's live families, its forbidden-phrase
    check looking for the phrases never to say of the centre's standard phrases in use
    (the default words when it has none)."""
    book_id, words, exceptions = library_words(centre_id)
    return _rules(
        frozenset(live_families(centre_id)),
        tuple(words) if book_id else None,
        tuple(exceptions),
    )


@lru_cache(maxsize=32)
def _rules(
    live: frozenset[str], words: tuple[str, ...] | None, exceptions: tuple[str, ...]
) -> checks.RuleSet:
    """The rule set for these families and words, compiled once for them."""
    rules = checks.default_rules()
    if words is not None:
        rules = checks.rules_from_value(
            with_library_words(rules.source, list(words), list(exceptions))
        )
    if live >= set(rules.families):
        return rules
    return checks.RuleSet(
        title=rules.title,
        version=rules.version,
        rules=tuple(rule for rule in rules.rules if rule.family in live),
        source=rules.source,
    )


@dataclass(frozen=True)
class Confirmed:
    true_hits: int
    false_hits: int
    missed: int

    @property
    def precision(self) -> float | None:
        judged = self.true_hits + self.false_hits
        return self.true_hits / judged if judged else None

    @property
    def recall(self) -> float | None:
        faults = self.true_hits + self.missed
        return self.true_hits / faults if faults else None


def confirmed(centre_id: int) -> dict[str, Confirmed]:
    """Each family's confirmed hits, overruled hits and misses in the centre's scores."""
    rows = (
        Answer.objects.filter(
            evaluation__centre_id=centre_id,
            evaluation__purpose__in=[EvaluationPurpose.SAMPLE, EvaluationPurpose.REVIEW],
            evaluation__supersedes__isnull=True,
        )
        .exclude(item__auto_check="")
        .exclude(value=Answer.Value.NA)
        .values_list("item__auto_check")
        .annotate(
            true_hits=Count("id", filter=Q(automatic=True, value=Answer.Value.NO)),
            false_hits=Count("id", filter=Q(automatic=False, value=Answer.Value.YES)),
            missed=Count("id", filter=Q(automatic=False, value=Answer.Value.NO)),
        )
        .order_by()
    )
    return {family: Confirmed(t, f, m) for family, t, f, m in rows}


@dataclass(frozen=True)
class CheckRow:
    """One family of the automatic checks as the checks page lists it."""

    family: str
    name: str
    titles: list[str]
    source: str
    points: int
    positive: int
    negative: int
    confirmed: Confirmed | None
    live: bool
    #: The forbidden-phrase check: how many phrases of the standard phrases in use it
    #: looks for (None: the centre has none, and the default words are looked for).
    library_words: int | None = None


def check_rows(centre_id: int) -> list[CheckRow]:
    """Each family of the default rule set: its rules' titles, where the seeds ask for it,
    its points, its example calls, its confirmed figures and whether it is live."""
    found = confirmed(centre_id)
    live = live_families(centre_id)
    examples = checks.examples()
    book_id, words, _exceptions = library_words(centre_id)
    rows = []
    for family in checks.FAMILIES:
        mine = [rule for rule in checks.default_rules().rules if rule.family == family]
        rows.append(
            CheckRow(
                family=family,
                name=str(RULE_NAMES.get(family, family)),
                titles=[rule.title for rule in mine],
                source=mine[0].source if mine else "",
                points=sum(rule.points for rule in mine),
                positive=len(examples.get(family, {}).get("positive", [])),
                negative=len(examples.get(family, {}).get("negative", [])),
                confirmed=found.get(family),
                live=family in live,
                library_words=len(words) if book_id and family == FORBIDDEN_RULE else None,
            )
        )
    return rows
