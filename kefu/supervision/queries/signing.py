"""Reads of a meeting's minutes signing (002 第14篇 全体员工 3: 交与会者签名确认后存档备查):
the current signing round, who of the attendees signed it and when, who has not, and the
corrections made to the frozen minutes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kefu.core.models import User
from kefu.supervision.models import Meeting, MinutesCorrection, MinutesSignature


def current_round(meeting: Meeting) -> int:
    """0 for the minutes as first written; each correction opens the next round."""
    last = meeting.corrections.order_by("-round").values_list("round", flat=True).first()
    return last or 0


def is_frozen(meeting: Meeting) -> bool:
    """The minutes are frozen once anyone has signed the current round."""
    return MinutesSignature.objects.filter(meeting=meeting, round=current_round(meeting)).exists()


@dataclass(frozen=True)
class SignRow:
    person: User
    signed_at: dt.datetime | None


@dataclass(frozen=True)
class Signing:
    round: int
    rows: list[SignRow]
    corrections: list[MinutesCorrection]

    @property
    def signed(self) -> int:
        return sum(1 for row in self.rows if row.signed_at is not None)

    @property
    def complete(self) -> bool:
        return bool(self.rows) and self.signed == len(self.rows)

    @property
    def frozen(self) -> bool:
        return self.signed > 0


def signing_of(meeting: Meeting) -> Signing:
    """Each attendee, in name order, with when they signed the current round (None: not
    yet); and the corrections, oldest first."""
    corrections = list(meeting.corrections.select_related("by").order_by("round"))
    round_ = corrections[-1].round if corrections else 0
    signed = dict(
        MinutesSignature.objects.filter(meeting=meeting, round=round_).values_list(
            "person_id", "signed_at"
        )
    )
    attendees = sorted(meeting.attendees.all(), key=lambda p: (p.full_name, p.username))
    return Signing(
        round=round_,
        rows=[SignRow(person, signed.get(person.pk)) for person in attendees],
        corrections=corrections,
    )
