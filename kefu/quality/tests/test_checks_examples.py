"""Every rule of the default rule set ships with positive and negative example transcripts
in Chinese (issue 18, point 7), kept as data beside the rules
(kefu/quality/checks/examples/<family>/): a positive one is a whole, otherwise proper call
that hits its family and no other; a negative one, near-misses among them (a forbidden
word inside an allowed phrase, a hold announced in other words, a greeting said by the
customer first), hits nothing. Each file's note cites the section of 002 第13/17/18篇 it
follows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kefu.quality import checks

EXAMPLES = checks.examples()
FILES = [
    (family, kind, path)
    for family, kinds in sorted(EXAMPLES.items())
    for kind, paths in kinds.items()
    for path in paths
]


def test_the_default_families_are_exactly_those_of_the_issue() -> None:
    assert checks.default_rules().families == (
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
    assert checks.default_rules().families == checks.FAMILIES


def test_every_family_has_positive_and_negative_examples() -> None:
    assert set(EXAMPLES) == set(checks.FAMILIES)
    for family in checks.FAMILIES:
        assert EXAMPLES[family]["positive"], family
        assert EXAMPLES[family]["negative"], family
    assert len(FILES) >= 2 * len(checks.FAMILIES) + 9  # near-misses beyond the pairs


def test_every_example_cites_the_seed_or_says_what_it_tests() -> None:
    for _family, kind, path in FILES:
        note = json.loads(path.read_text(encoding="utf-8"))["note"]
        assert "002 第" in note or "近似" in note or kind == "negative", path.name


@pytest.mark.parametrize(
    ("family", "kind", "path"), FILES, ids=[f"{f}/{p.stem}" for f, _k, p in FILES]
)
def test_an_example_hits_its_family_alone_or_nothing(family: str, kind: str, path: Path) -> None:
    result = checks.check(checks.read_transcript(path.read_bytes()))
    expected = [tuple(hit) for hit in json.loads(path.read_text(encoding="utf-8"))["hits"]]
    assert [(hit.rule, hit.sentence) for hit in result.hits] == expected
    if kind == "positive":
        assert {rule for rule, _sentence in expected} == {family}
        assert result.score < 100
    else:
        assert expected == []
        assert result.score == 100


def confirmed() -> list[tuple[checks.Transcript, list[tuple[str, int]]]]:
    """The examples as an inspector judged them: each with the faults it holds."""
    return [
        (
            checks.read_transcript(path.read_bytes()),
            [(rule, sentence) for rule, sentence in json.loads(path.read_text("utf-8"))["hits"]],
        )
        for _family, _kind, path in FILES
    ]


def test_each_familys_precision_and_recall_on_the_confirmed_examples() -> None:
    figures = checks.precision(confirmed())
    assert set(figures) == set(checks.FAMILIES)
    for family, result in figures.items():
        assert result.hits == len(EXAMPLES[family]["positive"]), family
        assert (result.precision, result.recall) == (1.0, 1.0), family


def test_precision_counts_the_hits_an_inspector_rejected_and_recall_the_faults_missed() -> None:
    calls = confirmed()
    rejected = [
        (transcript, [] if any(rule == "forbidden_phrase" for rule, _s in faults) else faults)
        for transcript, faults in calls
    ]
    forbidden = checks.precision(rejected)["forbidden_phrase"]
    assert forbidden.confirmed == 0 and forbidden.precision == 0.0
    assert forbidden.recall is None
    # A fault the rules cannot see: an inspector heard a rude tone in a proper call.
    proper = calls[[p.stem for _f, _k, p in FILES].index("negative_standard")][0]
    tone = checks.precision([(proper, [("rude_tone", 1)])])
    assert tone["rude_tone"].missed == 1 and tone["rude_tone"].recall == 0.0
    assert tone["greeting_missing"].precision is None
