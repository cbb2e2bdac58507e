"""The instant report's counting (seed 000 第8篇: 大面积故障类信息采取即时报的方式, 即时
发现即时反馈): by area and by 15-minute step, without the database."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from kefu.insights import incident_report

ZONE = dt.timezone(dt.timedelta(hours=8))


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2026, 7, 14, hour, minute, 30, tzinfo=ZONE)


def test_areas_most_callers_first_and_steps_without_gaps() -> None:
    report = incident_report.build(
        [("鼓楼区", at(9, 2)), ("玄武区", at(9, 14)), ("鼓楼区", at(9, 50)), ("鼓楼区", at(9, 3))],
        [("玄武区", at(9, 16)), ("鼓楼区", at(9, 5))],
    )
    assert (report.contacts, report.orders) == (4, 2)
    assert [(row.label, row.contacts, row.orders) for row in report.areas] == [
        ("鼓楼区", 3, 1),
        ("玄武区", 1, 1),
    ]
    # 09:30 had nothing and is shown: the fault may be over.
    assert report.steps == [
        (at(9, 0).replace(second=0), 3, 1),
        (at(9, 15).replace(second=0), 0, 1),
        (at(9, 30).replace(second=0), 0, 0),
        (at(9, 45).replace(second=0), 1, 0),
    ]
    text = incident_report.summary(report, "标题", area_label="区域", step_label="时段")
    assert text.splitlines()[:2] == ["标题", "区域 鼓楼区: 3 / 1"]


def test_an_empty_report() -> None:
    report = incident_report.build([], [])
    assert (report.contacts, report.orders, report.areas, report.steps) == (0, 0, [], [])


@given(st.lists(st.integers(min_value=0, max_value=24 * 60 - 1), min_size=1, max_size=60))
def test_every_contact_falls_in_one_step_of_fifteen_minutes(minutes: list[int]) -> None:
    times = [at(0, 0) + dt.timedelta(minutes=m) for m in minutes]
    report = incident_report.build([("a", t) for t in times], [])
    assert sum(contacts for _start, contacts, _orders in report.steps) == len(times)
    starts = [start for start, _c, _o in report.steps]
    assert all(b - a == incident_report.STEP for a, b in itertools.pairwise(starts))
    assert all(start.minute % 15 == 0 and start.second == 0 for start in starts)
