from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from kefu.core.http import request_user
from kefu.core.queries import centre_for
from kefu.core.roles import PUSH_CALL_EVENTS
from kefu.core.schemas import StrictSchema
from kefu.telephony import queries, services
from kefu.telephony.queue_log import QueueEvent

router = Router(tags=["telephony"])

MAX_EVENTS = 10_000
Name = Annotated[str, Field(max_length=128)]


class EventIn(StrictSchema):
    """One queue_log event: the fields of a queue_log line, with the time as ISO 8601 or
    Unix seconds."""

    time: datetime | float
    call_id: str = Field("", max_length=64)
    queue: Name = ""
    agent: Name = ""
    event: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z_]+$")
    data: list[Annotated[str, Field(max_length=256)]] = Field(default_factory=list, max_length=10)


class EventsIn(StrictSchema):
    events: list[EventIn] = Field(min_length=1, max_length=MAX_EVENTS)


class RefusedOut(Schema):
    line: int
    reason: str


class EventsOut(Schema):
    events: int
    malformed: int
    ignored: int
    calls: int
    errors: list[RefusedOut]


class ImportOut(Schema):
    id: int
    source: str
    format: str
    started_at: datetime
    finished_at: datetime | None
    lines: int
    events: int
    malformed: int
    ignored: int


def _seconds(value: datetime | float) -> float:
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.timestamp()
    return float(value)


@router.post("/events", response=EventsOut)
def events_post(request: HttpRequest, payload: EventsIn) -> dict[str, object]:
    """Events pushed by a telephone platform in batches; safe to send again after a timeout:
    what was read before changes nothing."""
    centre = centre_for(request_user(request), PUSH_CALL_EVENTS)
    events = [
        QueueEvent(
            time=_seconds(item.time),
            call_id=item.call_id,
            queue=item.queue,
            agent=item.agent,
            event=item.event.upper(),
            data=tuple(item.data),
        )
        for item in payload.events
    ]
    report = services.telephony_events_post(centre=centre, events=events)
    return report.as_dict()


@router.get("/imports", response=list[ImportOut])
def imports_list(request: HttpRequest) -> list[object]:
    centre = centre_for(request_user(request), PUSH_CALL_EVENTS)
    return list(queries.recent_imports(centre))
