"""Repeat contacts per call reason over a period (重复来电, issue 21 point 4), with examples.

A contact is a repeat when it carries the mark of `contacts.repeats` (the earlier contact
from the same caller on the same reason) and that contact lies within the centre's window
(`fcr_window_days`, the window of the first-contact-resolution figure, 002 第7篇): the
same rule, so this page and the indicator agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber

from kefu.contacts.labels import path_label
from kefu.contacts.models import Contact
from kefu.contacts.queries import contacts_visible_to, repeats_within
from kefu.contacts.repeats import LOOKBACK
from kefu.core.errors import Forbidden
from kefu.core.models import User
from kefu.core.roles import VIEW_REPORTS
from kefu.metrics.queries import rules_of

#: Examples shown per reason.
EXAMPLES = 3


def repeat_window(user: User) -> dt.timedelta:
    """The user's centre's repeat window, as the indicators count it (at most the mark's
    look-back)."""
    days = rules_of(user.centre).fcr_window_days if user.centre is not None else 7
    return min(dt.timedelta(days=days), LOOKBACK)


def repeats_of_period(
    user: User,
    start: dt.datetime,
    end: dt.datetime,
    reason: str | None = None,
    window: dt.timedelta | None = None,
) -> QuerySet[Contact]:
    """The repeat contacts the user sees in [start, end), newest first."""
    if not user.has_perm(VIEW_REPORTS):
        raise Forbidden()
    window = window or repeat_window(user)
    contacts = contacts_visible_to(user).filter(
        repeats_within(window), started_at__gte=start, started_at__lt=end
    )
    if reason:
        contacts = contacts.filter(service_content__code=reason)
    return contacts.select_related("repeat_of", "service_content__parent").order_by(
        "-started_at", "-id"
    )


@dataclass(frozen=True)
class ReasonRepeats:
    code: str
    label: str
    contacts: int  # contacts on the reason in the period
    repeats: int  # of those, repeats of an earlier one within the window
    examples: list[Contact]

    @property
    def share(self) -> float | None:
        return self.repeats / self.contacts if self.contacts else None


@dataclass(frozen=True)
class RepeatReport:
    window_days: int
    contacts: int  # contacts with a reason in the period
    repeats: int
    reasons: list[ReasonRepeats]


def repeats_by_reason(user: User, start: dt.datetime, end: dt.datetime) -> RepeatReport:
    """Repeat contacts per call reason in [start, end): most repeats first, with the
    latest few as examples. A fixed number of queries, whatever the period."""
    if not user.has_perm(VIEW_REPORTS):
        raise Forbidden()
    window = repeat_window(user)
    repeats = repeats_of_period(user, start, end, window=window)
    counted = (
        contacts_visible_to(user)
        .filter(started_at__gte=start, started_at__lt=end, service_content__isnull=False)
        .values("service_content_id")
        .annotate(
            n=Count("id"),
            repeated=Count("id", filter=repeats_within(window)),
        )
        .order_by()
    )
    counts = {row["service_content_id"]: (row["n"], row["repeated"]) for row in counted}
    examples: dict[int, list[Contact]] = {}
    latest = repeats.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("service_content_id")],
            order_by=[F("started_at").desc(), F("id").desc()],
        )
    ).filter(rank__lte=EXAMPLES)
    for contact in latest:
        examples.setdefault(contact.service_content_id or 0, []).append(contact)
    rows = []
    for pk, found in examples.items():
        reason = found[0].service_content
        if reason is None:
            continue
        parent = reason.parent.name if reason.parent else ""
        n, repeated = counts.get(pk, (0, 0))
        rows.append(
            ReasonRepeats(
                code=reason.code,
                label=path_label([parent, reason.name]),
                contacts=n,
                repeats=repeated,
                examples=found,
            )
        )
    rows.sort(key=lambda row: (-row.repeats, row.label))
    return RepeatReport(
        window_days=window.days,
        contacts=sum(n for n, _ in counts.values()),
        repeats=sum(r for _, r in counts.values()),
        reasons=rows,
    )
