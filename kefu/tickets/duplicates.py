"""Likely duplicate work orders (issue 21 point 4): an open order of the same customer or
at the same address, on the same category, whose text says nearly the same thing, is
offered for merge when a new order is created.

Similarity is the Jaccard index of the two texts' character bigrams (the title and the
description, punctuation and spaces left out). Chinese has no spaces, and an order's text
is short: bigrams catch "小区停电" in "我家小区停电了" without segmenting, and cost
microseconds. Pure: no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

#: From this similarity on, an open order is offered as a likely duplicate.
THRESHOLD = 0.3
#: At most this many are offered, the most similar first.
LIMIT = 5

_NOISE = re.compile(r"[\W_]+", re.UNICODE)


def grams(text: str) -> frozenset[str]:
    """The character bigrams of `text`, lower-cased, without punctuation or spaces; a
    one-character text is its own gram."""
    plain = _NOISE.sub("", text.lower())
    if len(plain) < 2:
        return frozenset({plain}) if plain else frozenset()
    return frozenset(plain[i : i + 2] for i in range(len(plain) - 1))


def similarity(a: str, b: str) -> float:
    """Jaccard index of the bigrams: 1.0 the same text, 0.0 nothing in common."""
    first, second = grams(a), grams(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


@dataclass(frozen=True)
class Order:
    """What the comparison needs of an order."""

    id: int
    customer_id: int | None
    address: str
    category_id: int | None
    text: str


@dataclass(frozen=True)
class Likely:
    id: int
    score: float
    same_customer: bool  # merge (合并) takes only the same customer's orders
    same_address: bool


def likely_duplicates(new: Order, candidates: Iterable[Order]) -> list[Likely]:
    """The candidates that are likely duplicates of `new`, the most similar first: the
    same customer or the same (non-empty) address, the same category, similar text. The
    caller passes only open orders."""
    found = []
    address = _NOISE.sub("", new.address)
    for other in candidates:
        if other.id == new.id or other.category_id != new.category_id:
            continue
        same_customer = new.customer_id is not None and other.customer_id == new.customer_id
        same_address = bool(address) and _NOISE.sub("", other.address) == address
        if not (same_customer or same_address):
            continue
        score = similarity(new.text, other.text)
        if score >= THRESHOLD:
            found.append(Likely(other.id, round(score, 2), same_customer, same_address))
    found.sort(key=lambda likely: (-likely.score, likely.id))
    return found[:LIMIT]
