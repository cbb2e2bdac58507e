"""Exam results per person (issue 20 point 2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal


# The exams part replaces this on merge.
def exam_scores(centre_id: int, start: date, end: date) -> dict[int, Decimal]:
    """The mean exam percentage of each user who sat an exam from `start` to `end`; people
    who sat none are absent."""
    return {}
