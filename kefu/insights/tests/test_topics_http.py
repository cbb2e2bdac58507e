"""Hot topics through HTTP (issue 21 point 3; seeds 000 第8篇 "客户咨询的热点 … 一天一报"):
the day's rising and new call reasons against the same hours of the day before or of the
same weekday a week before, with the latest contacts as examples, on the page and in the
API, for those who read the reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conftest import ApiClient
from kefu.contacts.models import CallReason, Contact
from kefu.core.forms import start_of
from kefu.core.models import OrgUnit, User
from kefu.insights.queries.topics import TopicCompare, hot_topics_of, spans

pytestmark = pytest.mark.django_db


@pytest.fixture
def reasons(centre: OrgUnit) -> dict[str, CallReason]:
    power = CallReason.objects.create(
        centre=centre, dimension="business_type", code="power", name="电力故障"
    )
    made = {"power": power}
    for code, name in (("outage", "停电"), ("bill", "电费"), ("meter", "电表"), ("ev", "充电桩")):
        made[code] = CallReason.objects.create(
            centre=centre, dimension="service_content", code=code, name=name, parent=power
        )
    return made


def calls(
    centre: OrgUnit, agent: User, reason: CallReason, at: dt.datetime, n: int, summary: str = ""
) -> None:
    Contact.objects.bulk_create(
        Contact(
            centre=centre,
            agent=agent,
            channel="hotline",
            caller_number=f"1390000{index:04d}",
            started_at=at - dt.timedelta(seconds=index),
            service_content=reason,
            business_type=reason.parent,
            summary=summary,
        )
        for index in range(n)
    )


def test_spans_have_the_same_hours() -> None:
    now = timezone.localtime().replace(hour=10, minute=30)
    today = now.date()
    span, before = spans(today, TopicCompare.DAY, now)
    assert (span.start, span.end) == (start_of(today), now)
    assert (before.start, before.end) == (
        start_of(today - dt.timedelta(days=1)),
        now - dt.timedelta(days=1),
    )
    span, before = spans(today - dt.timedelta(days=3), TopicCompare.WEEK, now)
    assert span.end - span.start == dt.timedelta(days=1)
    assert before.start == span.start - dt.timedelta(days=7)
    span, before = spans(today, TopicCompare.SEVEN, now)
    assert span.start == start_of(today - dt.timedelta(days=6))
    assert (before.start, before.end) == (
        span.start - dt.timedelta(days=7),
        span.end - dt.timedelta(days=7),
    )


def test_the_days_risers_and_new_topics_with_examples(
    centre: OrgUnit,
    users: dict[str, User],
    reasons: dict[str, CallReason],
    api_as: Callable[[str], ApiClient],
    client: Client,
) -> None:
    day = timezone.localdate() - dt.timedelta(days=2)
    now = start_of(day) + dt.timedelta(hours=11)  # the day as it stood at 11:00
    agent = users["agent"]
    yesterday = now - dt.timedelta(days=1)
    calls(centre, agent, reasons["outage"], now - dt.timedelta(hours=1), 14, "小区整片停电")
    calls(centre, agent, reasons["outage"], yesterday - dt.timedelta(hours=1), 2)
    calls(centre, agent, reasons["bill"], now - dt.timedelta(hours=2), 105)
    calls(centre, agent, reasons["bill"], yesterday - dt.timedelta(hours=2), 100)
    calls(centre, agent, reasons["ev"], now - dt.timedelta(hours=3), 6, "充电桩无法启动")
    # after 11:00 the day before: outside the span compared with while the day runs
    calls(centre, agent, reasons["ev"], yesterday + dt.timedelta(hours=5), 30)
    calls(centre, agent, reasons["meter"], now - dt.timedelta(hours=4), 4)  # too few

    report = hot_topics_of(users["leader"], now=now)
    assert [(row.label, row.topic.count, row.topic.before) for row in report.topics] == [
        ("电力故障 › 停电", 14, 2),
        ("电力故障 › 充电桩", 6, 0),
    ]
    assert report.topics[1].topic.new
    assert [contact.summary for contact in report.topics[0].examples] == ["小区整片停电"] * 3
    assert (report.contacts, report.contacts_before) == (129, 102)

    # the whole day, asked later: the day before's 30 evening calls on charging piles
    # count, so only the outage is hot
    found = api_as("leader").get("/api/v1/insights/topics", day=day.isoformat()).json()
    assert [
        (topic["label"], topic["count"], topic["before"], topic["new"]) for topic in found["topics"]
    ] == [("电力故障 › 停电", 14, 2, False)]
    assert found["topics"][0]["ratio"] == 6.0 and len(found["topics"][0]["examples"]) == 3
    # The seven days to it: both days' contacts, their whole days read once and kept, by
    # whom they are visible to (the administrator sees every centre's, a leader their own).
    elsewhere = OrgUnit.objects.create(kind=OrgUnit.Kind.CENTRE, code="other", name="另一中心")
    theirs = CallReason.objects.create(
        centre=elsewhere, dimension="service_content", code="outage", name="停电"
    )
    calls(elsewhere, agent, theirs, yesterday, 10)
    admin = hot_topics_of(users["admin"], day=day, compare=TopicCompare.SEVEN)
    assert admin.contacts == 129 + 132 + 10
    for _ in range(2):
        seven = hot_topics_of(users["leader"], day=day, compare=TopicCompare.SEVEN)
        assert (seven.contacts, seven.contacts_before) == (129 + 132, 0)
    week = api_as("manager").get("/api/v1/insights/topics", compare="week").json()
    assert week["compare"] == "week"
    assert api_as("leader").get("/api/v1/insights/topics", compare="month").status_code == 422
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    refused = api_as("leader").get("/api/v1/insights/topics", day=future)
    assert (refused.status_code, refused.json()["code"]) == (422, "day_in_future")
    assert api_as("agent").get("/api/v1/insights/topics").status_code == 403

    client.force_login(users["leader"])
    html = client.get("/insights/topics/", {"day": day.isoformat()}).content.decode()
    assert "热点话题" in html and "日环比" in html and "电力故障 › 停电" in html
    page = client.get("/insights/topics/", {"day": future})
    assert page.status_code == 400 and "所选日期尚未到来" in page.content.decode()
    dashboard = client.get("/dashboard/").content.decode()
    assert "今日热点" in dashboard and "暂无上升话题" in dashboard  # none today
    client.force_login(users["agent"])
    assert client.get("/insights/topics/").status_code == 403
    assert "今日热点" not in client.get("/dashboard/").content.decode()


def test_a_day_outside_1970_to_2099_is_refused_not_failed(
    users: dict[str, User], api_as: Callable[[str], ApiClient], client: Client
) -> None:
    """A year-1 day would overflow when made a time in the centre's zone or a period
    around it: every day the insights take is held to the times' span, with a clear error."""
    leader = api_as("leader")
    for path, query in (
        ("/api/v1/insights/topics", {"day": "0001-01-01"}),
        ("/api/v1/insights/repeats", {"since": "0001-01-01", "until": "0001-01-02"}),
        ("/api/v1/insights/feedback/report", {"day": "0001-01-02"}),
    ):
        refused = leader.get(path, **query)
        assert refused.status_code == 422, (path, refused.content)
    client.force_login(users["manager"])
    for period in ("daily", "monthly"):
        page = client.get("/insights/feedback/", {"day": "0001-01-01", "period": period})
        assert page.status_code == 200
