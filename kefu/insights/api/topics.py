"""Hot topics over the API at /api/v1/insights/topics (issue 21 point 3): the call reasons
rising or new against a comparable span, with example contacts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router

from kefu.contacts.models import Contact
from kefu.core.http import request_user
from kefu.core.masking import mask_phone
from kefu.core.schemas import Out, StrictSchema
from kefu.core.validation import Day
from kefu.insights.queries.topics import TopicCompare, TopicDimension, hot_topics_of

router = Router(tags=["insights"])


class InsightsTopicsFilter(StrictSchema):
    day: Day | None = Field(None, description="The day; today (up to now) by default.")
    compare: TopicCompare = Field(
        TopicCompare.DAY,
        description="day: against the day before; week: against the same weekday a week "
        "before; seven: the seven days to `day` against the seven before. The same hours.",
    )
    dimension: TopicDimension = Field(
        TopicDimension.SERVICE_CONTENT, description="The reasons' dimension."
    )


class InsightsTopicContactOut(Out):
    id: int
    started_at: dt.datetime
    caller_number: str
    summary: str


class InsightsTopicOut(Out):
    id: int
    label: str
    count: int
    before: int
    change: int
    ratio: float | None = Field(description="The change as a share of before; null if new.")
    new: bool
    score: float = Field(description="(count − before) / √(before + 1).")
    examples: list[InsightsTopicContactOut]


class InsightsTopicsOut(Out):
    day: dt.date
    compare: TopicCompare
    dimension: TopicDimension
    start: dt.datetime
    end: dt.datetime
    before_start: dt.datetime
    before_end: dt.datetime
    contacts: int
    contacts_before: int
    topics: list[InsightsTopicOut]


def _contact(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.pk,
        "started_at": contact.started_at,
        "caller_number": mask_phone(contact.caller_number),
        "summary": contact.summary,
    }


@router.get("/topics", response=InsightsTopicsOut)
def topics_get(request: HttpRequest, filters: Query[InsightsTopicsFilter]) -> dict[str, Any]:
    """Hot topics (热点): the rising and new call reasons of the day against the span
    `compare` names, highest score first, with the latest contacts of each. 422
    `day_in_future` for a day to come; 403 without the reports' permission."""
    report = hot_topics_of(
        request_user(request),
        day=filters.day,
        compare=filters.compare,
        dimension=filters.dimension,
    )
    return {
        "day": report.day,
        "compare": report.compare,
        "dimension": report.dimension,
        "start": report.now.start,
        "end": report.now.end,
        "before_start": report.before.start,
        "before_end": report.before.end,
        "contacts": report.contacts,
        "contacts_before": report.contacts_before,
        "topics": [
            {
                "id": row.key,
                "label": row.label,
                "count": row.topic.count,
                "before": row.topic.before,
                "change": row.topic.change,
                "ratio": row.topic.ratio,
                "new": row.topic.new,
                "score": round(row.topic.score, 2),
                "examples": [_contact(contact) for contact in row.examples],
            }
            for row in report.topics
        ],
    }
