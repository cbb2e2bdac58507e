"""The classifier without a database (kefu/insights/reasons.py): features, training, the
held-out figures, top three over a threshold, unseen words, too few, the stored arrays."""

from __future__ import annotations

import io
import random

import numpy as np
import pytest

from kefu.insights import reasons
from kefu.insights.reasons import Model, TooFew
from kefu.insights.tests.reasons_data import ASKS, note

LABELS = {code: index + 1 for index, code in enumerate(sorted(ASKS))}


def corpus(count: int, seed: int = 3) -> list[tuple[str, int]]:
    rng = random.Random(seed)
    codes = sorted(ASKS)
    return [(note(rng, codes[i % 4]), LABELS[codes[i % 4]]) for i in range(count)]


@pytest.fixture(scope="module")
def trained() -> reasons.Trained:
    return reasons.train(corpus(240))


def test_features_are_words_and_bigrams_without_digits() -> None:
    found = reasons.tokens("户号3201060988家里停电了")
    assert "w:停电" in found and "c:停电" in found and "c:里停" in found
    assert not any(any(ch.isdigit() for ch in token) for token in found)
    assert "w:了" not in found  # a stop word


def test_training_measures_on_held_out_contacts(trained: reasons.Trained) -> None:
    evaluation = trained.evaluation
    assert trained.size == 240
    assert evaluation.held_out == 48  # a fifth of each reason's sixty
    assert evaluation.top1 >= 0.9 and evaluation.top3 >= evaluation.top1
    assert [(f.label, f.support) for f in evaluation.per_reason] == [(i, 12) for i in (1, 2, 3, 4)]
    assert all(f.recall is not None and 0 <= f.recall <= 1 for f in evaluation.per_reason)


def test_top_three_likeliest_first_and_none_below_the_threshold(
    trained: reasons.Trained,
) -> None:
    model = trained.model
    found = model.suggest("客户反映家里停电了，已派单。", threshold=0.0)
    assert len(found) == 3
    assert found[0].label == LABELS["outage"]
    assert [s.confidence for s in found] == sorted((s.confidence for s in found), reverse=True)
    sure = model.suggest("客户反映家里停电了，已派单。", threshold=0.5)
    assert [s.label for s in sure] == [LABELS["outage"]]
    assert model.suggest("客户反映家里停电了", threshold=0.999) == []


def test_unseen_words_suggest_nothing(trained: reasons.Trained) -> None:
    assert trained.model.suggest("ℵℶℷ 12345", threshold=0.0) == []
    assert trained.model.suggest("", threshold=0.0) == []


def test_batch_and_single_agree(trained: reasons.Trained) -> None:
    texts = ["电费怎么这么高", "阶梯电价怎么算", "灯光忽明忽暗", "ℵ"]
    assert trained.model.suggest_many(texts, threshold=0.1) == [
        trained.model.suggest(text, threshold=0.1) for text in texts
    ]


def test_too_few_contacts_or_one_reason_refuse() -> None:
    with pytest.raises(TooFew) as error:
        reasons.train(corpus(120))
    assert (error.value.count, error.value.reasons) == (120, 4)
    with pytest.raises(TooFew):
        reasons.train([("家里停电了", 1)] * 300)
    # A reason with fewer than three examples is left out of the count.
    rows = [*corpus(12), ("电压不稳", 99), ("电压不稳", 99)]
    with pytest.raises(TooFew) as error:
        reasons.train(rows, minimum=13)
    assert error.value.count == 12


def test_the_stored_model_is_arrays_read_without_pickle(trained: reasons.Trained) -> None:
    data = trained.model.to_bytes()
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        assert {"vocabulary", "idf", "coef", "intercept", "labels", "version"} <= set(arrays)
    loaded = Model.from_bytes(data)
    text = "整栋楼没电"
    assert loaded.suggest(text, threshold=0.0) == trained.model.suggest(text, threshold=0.0)


def test_a_model_of_other_features_is_not_read(trained: reasons.Trained) -> None:
    buffer = io.BytesIO()
    m = trained.model
    np.savez(
        buffer,
        version=np.array([reasons.FEATURES_VERSION + 1]),
        vocabulary=np.array(m.vocabulary),
        idf=m.idf,
        coef=m.coef,
        intercept=m.intercept,
        labels=m.labels,
    )
    with pytest.raises(ValueError, match="other features"):
        Model.from_bytes(buffer.getvalue())


def test_the_split_holds_out_a_fifth_of_each_reason() -> None:
    labels = [1] * 10 + [2] * 5 + [3]
    train, held = reasons.split(labels)
    assert sorted(train + held) == list(range(16))
    assert [labels[i] for i in held].count(1) == 2
    assert [labels[i] for i in held].count(2) == 1
    assert 15 in train  # a reason seen once is only trained on
    assert reasons.split(labels) == (train, held)  # the same every time
