"""Call-reason suggestions (issue 21 point 2), the pure part: the features of a summary,
training a linear model on a centre's classified contacts, its held-out evaluation, the
model as plain arrays (no pickle) and the top three reasons of a summary.

Features: the summary's jieba words and its character bigrams, weighted by TF-IDF
(sublinear term frequency, L2 norm). Words carry the meaning; bigrams catch what jieba
splits differently from the agents' shorthand (跳闸/跳了闸, 没电/停电了) and words it does
not know. Digits (户号, addresses' numbers, amounts) are dropped: they name a customer,
never a reason. The model is scikit-learn's multinomial logistic regression, whose
probabilities are the confidences shown; serving needs only numpy (the vocabulary, the IDF
weights, the coefficients), so a model is stored and read without pickle.

No database here: the services (kefu/insights/services/reasons.py) read the contacts and
store what `train` returns.
"""

from __future__ import annotations

import io
import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from math import log

import numpy as np
from scipy import sparse

from kefu.core.fulltext import STOPWORDS, dictionary, normalize

#: Fewer classified contacts than this, and a model would learn the few agents' habits,
#: not the centre's reasons: training refuses.
MIN_TRAINING_CONTACTS = 200
#: A reason needs this many examples to be learnt at all; rarer ones are left out.
MIN_REASON_SUPPORT = 3
#: The share of the classified contacts kept aside to measure the model.
HELD_OUT_SHARE = 0.2
#: At most this many features (the most frequent); a centre's notes use far fewer.
MAX_FEATURES = 60_000
#: The longest summary read, in characters (the workbench keeps up to 2,000).
MAX_TEXT = 2000
#: Suggestions shown at most.
TOP = 3
#: Bumped when the features change: a model trained on other features is not served.
FEATURES_VERSION = 1

_KEEP = re.compile(r"[^\W\d_]+")  # runs of letters (Chinese characters are letters)


def tokens(text: str) -> list[str]:
    """The features of a summary: its words (jieba, stop words and digits left out) and
    its character bigrams, prefixed so the two never collide."""
    clean = normalize(text[:MAX_TEXT])
    words = [
        term
        for word in dictionary().lcut(clean, HMM=False)
        for term in _KEEP.findall(word)
        if term not in STOPWORDS
    ]
    out = [f"w:{word}" for word in words]
    for run in _KEEP.findall(clean):
        out.extend(f"c:{run[i : i + 2]}" for i in range(len(run) - 1))
    return out


@dataclass(frozen=True)
class Suggestion:
    label: int
    confidence: float


@dataclass
class Model:
    """A trained model as arrays: what is stored and what serves."""

    vocabulary: list[str]
    idf: np.ndarray  # (features,) float32
    coef: np.ndarray  # (classes, features) float32
    intercept: np.ndarray  # (classes,) float32
    labels: np.ndarray  # (classes,) int64: the reasons' ids
    index: dict[str, int] = field(init=False, repr=False)
    _coef_t: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = {token: position for position, token in enumerate(self.vocabulary)}
        # Features by rows: one summary's few features are a few contiguous rows.
        self._coef_t = np.ascontiguousarray(self.coef.T)

    def _vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(self.index[t] for t in tokens(text) if t in self.index)
        if not counts:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter((1.0 + log(c) for c in counts.values()), np.float32, len(counts))
        values = tf * self.idf[columns]
        values /= np.linalg.norm(values)
        return columns, values

    def probabilities(self, text: str) -> np.ndarray:
        columns, values = self._vector(text)
        scores = values @ self._coef_t[columns] + self.intercept
        return _softmax(scores)

    def suggest(self, text: str, *, threshold: float, top: int = TOP) -> list[Suggestion]:
        """The `top` likeliest reasons whose confidence is at least `threshold`, likeliest
        first. A summary with no known feature gets none: the model would only repeat the
        reasons' prior shares."""
        columns, values = self._vector(text)
        if not len(columns):
            return []
        scores = values @ self._coef_t[columns] + self.intercept
        return _top(_softmax(scores), self.labels, threshold=threshold, top=top)

    def matrix(self, texts: Sequence[str]) -> sparse.csr_matrix:
        indptr = [0]
        columns: list[int] = []
        values: list[float] = []
        for text in texts:
            cols, vals = self._vector(text)
            columns.extend(cols.tolist())
            values.extend(vals.tolist())
            indptr.append(len(columns))
        return sparse.csr_matrix(
            (np.asarray(values, np.float32), np.asarray(columns, np.int64), indptr),
            shape=(len(texts), len(self.vocabulary)),
        )

    def suggest_many(
        self, texts: Sequence[str], *, threshold: float, top: int = TOP
    ) -> list[list[Suggestion]]:
        """`suggest` for many summaries at once (one sparse product)."""
        x = self.matrix(texts)
        scores = np.asarray(x @ self._coef_t) + self.intercept
        known = np.diff(x.indptr) > 0
        probabilities = _softmax(scores)
        return [
            _top(row, self.labels, threshold=threshold, top=top) if known[i] else []
            for i, row in enumerate(probabilities)
        ]

    def to_bytes(self) -> bytes:
        """The model as a compressed .npz: arrays only, read back without pickle."""
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            version=np.array([FEATURES_VERSION]),
            vocabulary=np.array(self.vocabulary, dtype=np.str_),
            idf=self.idf,
            coef=self.coef,
            intercept=self.intercept,
            labels=self.labels,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Model:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            if int(arrays["version"][0]) != FEATURES_VERSION:
                raise ValueError("model trained on other features")
            return cls(
                vocabulary=arrays["vocabulary"].tolist(),
                idf=arrays["idf"].astype(np.float32),
                coef=arrays["coef"].astype(np.float32),
                intercept=arrays["intercept"].astype(np.float32),
                labels=arrays["labels"].astype(np.int64),
            )


def _softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _top(row: np.ndarray, labels: np.ndarray, *, threshold: float, top: int) -> list[Suggestion]:
    best = np.argsort(-row, kind="stable")[:top]
    return [
        Suggestion(label=int(labels[i]), confidence=float(row[i]))
        for i in best
        if row[i] >= threshold
    ]


class TooFew(ValueError):
    """Too few classified contacts (or reasons) to train on."""

    def __init__(self, count: int, reasons: int) -> None:
        super().__init__(f"{count} contacts, {reasons} reasons")
        self.count = count
        self.reasons = reasons


@dataclass(frozen=True)
class ReasonFigure:
    label: int
    support: int  # held-out contacts with this reason
    recall: float | None  # share of them the model put first; None without support


@dataclass(frozen=True)
class Evaluation:
    held_out: int
    top1: float
    top3: float
    per_reason: list[ReasonFigure]


@dataclass(frozen=True)
class Trained:
    model: Model
    size: int  # contacts the served model learnt from
    evaluation: Evaluation


def _same(features: list[str]) -> list[str]:
    return features


def _fit(features: Sequence[list[str]], labels: Sequence[int]) -> Model:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(
        analyzer=_same,  # each text's `tokens`, made once for both fits
        sublinear_tf=True,
        min_df=1,
        max_features=MAX_FEATURES,
        dtype=np.float32,
    )
    x = vectorizer.fit_transform(features)
    classifier = LogisticRegression(C=10.0, max_iter=300)
    classifier.fit(x, np.asarray(labels, dtype=np.int64))
    vocabulary = vectorizer.get_feature_names_out().tolist()
    coef, intercept = classifier.coef_, classifier.intercept_
    if len(classifier.classes_) == 2:  # binary: one row of coefficients, for class 1
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return Model(
        vocabulary=vocabulary,
        idf=vectorizer.idf_.astype(np.float32),
        coef=coef.astype(np.float32),
        intercept=intercept.astype(np.float32),
        labels=classifier.classes_.astype(np.int64),
    )


def split(
    labels: Sequence[int], *, share: float = HELD_OUT_SHARE, seed: int = 0
) -> tuple[list[int], list[int]]:
    """Indices to train on and to hold out: `share` of each reason held out (at least one
    of a reason with enough examples), drawn with a fixed seed so a retraining on the same
    contacts measures alike."""
    by_label: dict[int, list[int]] = {}
    for position, label in enumerate(labels):
        by_label.setdefault(label, []).append(position)
    rng = random.Random(seed)  # noqa: S311 (a reproducible split, not a secret)
    train: list[int] = []
    held: list[int] = []
    for label in sorted(by_label):
        positions = by_label[label]
        rng.shuffle(positions)
        count = max(1, round(len(positions) * share)) if len(positions) >= 2 else 0
        held.extend(positions[:count])
        train.extend(positions[count:])
    return sorted(train), sorted(held)


def evaluate(model: Model, texts: Sequence[str], labels: Sequence[int]) -> Evaluation:
    """Top-1 and top-3 accuracy and each reason's recall (put first) with its support."""
    if not texts:
        return Evaluation(held_out=0, top1=0.0, top3=0.0, per_reason=[])
    ranked = model.suggest_many(texts, threshold=0.0)
    first = Counter[int]()
    support = Counter[int](labels)
    top1 = top3 = 0
    for suggestions, label in zip(ranked, labels, strict=True):
        found = [s.label for s in suggestions]
        if found[:1] == [label]:
            top1 += 1
            first[label] += 1
        if label in found[:3]:
            top3 += 1
    per_reason = [
        ReasonFigure(label=label, support=support[label], recall=first[label] / support[label])
        for label in sorted(support)
    ]
    return Evaluation(
        held_out=len(texts), top1=top1 / len(texts), top3=top3 / len(texts), per_reason=per_reason
    )


def train(
    examples: Iterable[tuple[str, int]],
    *,
    minimum: int = MIN_TRAINING_CONTACTS,
    seed: int = 0,
) -> Trained:
    """Measure on a held-out split, then train the served model on every example.

    `examples` are (summary, reason id); empty summaries and reasons with fewer than
    `MIN_REASON_SUPPORT` examples are left out. Raises `TooFew` below `minimum` examples or
    with fewer than two reasons."""
    rows = [(text, label) for text, label in examples if text.strip()]
    counts = Counter(label for _, label in rows)
    rows = [(text, label) for text, label in rows if counts[label] >= MIN_REASON_SUPPORT]
    reasons = len({label for _, label in rows})
    if len(rows) < minimum or reasons < 2:
        raise TooFew(len(rows), reasons)
    texts = [text for text, _ in rows]
    labels = [label for _, label in rows]
    train_at, held_at = split(labels, seed=seed)
    features = [tokens(text) for text in texts]
    measured = _fit([features[i] for i in train_at], [labels[i] for i in train_at])
    evaluation = evaluate(measured, [texts[i] for i in held_at], [labels[i] for i in held_at])
    return Trained(model=_fit(features, labels), size=len(rows), evaluation=evaluation)
