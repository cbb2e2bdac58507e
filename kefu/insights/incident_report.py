"""The instant report of a major incident (即时报告; seed 000 第8篇: "针对营销类信息、大面积
故障类信息采取即时报的方式, 即时发现即时反馈"): how many callers and orders, by area and by
15-minute step. Pure: the rows are read by the queries and counted here."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

#: The report's time step: the 15-minute intervals the centre counts its traffic in.
STEP = dt.timedelta(minutes=15)


def step_of(at: dt.datetime) -> dt.datetime:
    """The start of the 15-minute step `at` falls in (in `at`'s own zone)."""
    return at.replace(minute=at.minute - at.minute % 15, second=0, microsecond=0)


@dataclass(frozen=True)
class Row:
    """A count of contacts and orders under one label (an area, or a step)."""

    label: str
    contacts: int
    orders: int


@dataclass(frozen=True)
class Report:
    contacts: int
    orders: int
    areas: list[Row]
    steps: list[tuple[dt.datetime, int, int]]


def build(
    contacts: Iterable[tuple[str, dt.datetime]], orders: Iterable[tuple[str, dt.datetime]]
) -> Report:
    """`contacts` and `orders` as (area, when) pairs, times in the centre's zone. Areas
    by most contacts first; steps from the first to the last, empty steps included (a
    step with nothing is news too: the fault may be over)."""
    contacts, orders = list(contacts), list(orders)
    area_contacts = Counter(area for area, _at in contacts)
    area_orders = Counter(area for area, _at in orders)
    areas = [
        Row(area, area_contacts[area], area_orders[area])
        for area in sorted(
            set(area_contacts) | set(area_orders),
            key=lambda a: (-area_contacts[a], -area_orders[a], a),
        )
    ]
    step_contacts = Counter(step_of(at) for _area, at in contacts)
    step_orders = Counter(step_of(at) for _area, at in orders)
    known = set(step_contacts) | set(step_orders)
    steps: list[tuple[dt.datetime, int, int]] = []
    if known:
        current, last = min(known), max(known)
        while current <= last:
            steps.append((current, step_contacts[current], step_orders[current]))
            current += STEP
    return Report(len(contacts), len(orders), areas, steps)


def summary(report: Report, title: str, *, area_label: str, step_label: str) -> str:
    """The report as plain text, for the notification and e-mail to the departments."""
    lines = [title]
    lines.extend(f"{area_label} {row.label}: {row.contacts} / {row.orders}" for row in report.areas)
    lines.extend(
        f"{step_label} {start:%H:%M}: {contacts} / {orders}"
        for start, contacts, orders in report.steps
    )
    return "\n".join(lines)
