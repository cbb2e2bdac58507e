"""Hot topics (热点, issue 21 point 3; seeds 000 第8篇): the call reasons that rose or are new
against a comparable span, with example contacts. The rule is `kefu.insights.topics`; this
module chooses the spans and counts the contacts.

The spans compared always have the same length and the same hours: for the day running,
today up to now against the day before (or the same weekday a week before) up to the same
time, so a morning is never compared with a whole day.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from django.core.cache import cache
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.contacts.labels import path_label
from kefu.contacts.models import CallReason, Contact
from kefu.contacts.queries import contacts_visible_to
from kefu.core.errors import Forbidden, Invalid
from kefu.core.forms import start_of
from kefu.core.models import Region, User
from kefu.core.roles import VIEW_REPORTS
from kefu.insights.topics import Topic, hot_topics

#: Example contacts shown per topic.
EXAMPLES = 3
#: Topics listed at most.
LIMIT = 15
#: How long a whole past day's counts are kept (a late correction shows within the hour).
KEEP_DAY_SECONDS = 3600


class TopicCompare(StrEnum):
    DAY = "day"  # the day against the day before
    WEEK = "week"  # the day against the same weekday a week before
    SEVEN = "seven"  # the seven days to the day against the seven before


COMPARE_LABELS = {
    TopicCompare.DAY: gettext_lazy("Against the day before"),
    TopicCompare.WEEK: gettext_lazy("Against the same day last week"),
    TopicCompare.SEVEN: gettext_lazy("Last 7 days against the 7 before"),
}


class TopicDimension(StrEnum):
    SERVICE_CONTENT = "service_content"
    BUSINESS_TYPE = "business_type"
    CUSTOMER_ATTRIBUTE = "customer_attribute"
    REGION = "region"


DIMENSION_LABELS = {
    TopicDimension.SERVICE_CONTENT: CallReason.Dimension.SERVICE_CONTENT.label,
    TopicDimension.BUSINESS_TYPE: CallReason.Dimension.BUSINESS_TYPE.label,
    TopicDimension.CUSTOMER_ATTRIBUTE: CallReason.Dimension.CUSTOMER_ATTRIBUTE.label,
    TopicDimension.REGION: gettext_lazy("Region"),
}


@dataclass(frozen=True)
class Span:
    start: dt.datetime
    end: dt.datetime


def spans(day: dt.date, compare: TopicCompare, now: dt.datetime) -> tuple[Span, Span]:
    """The span of `day` (up to `now` if it is running) and the span it is compared with."""
    end = min(start_of(day + dt.timedelta(days=1)), now)
    if compare is TopicCompare.SEVEN:
        start = start_of(day - dt.timedelta(days=6))
        back = dt.timedelta(days=7)
    else:
        start = start_of(day)
        back = dt.timedelta(days=1 if compare is TopicCompare.DAY else 7)
    return Span(start, end), Span(start - back, end - back)


@dataclass(frozen=True)
class HotTopic:
    key: int
    label: str
    topic: Topic[int]
    examples: list[Contact]


@dataclass(frozen=True)
class TopicReport:
    day: dt.date
    compare: TopicCompare
    dimension: TopicDimension
    now: Span
    before: Span
    contacts: int  # contacts with the dimension in the span
    contacts_before: int
    topics: list[HotTopic]


def _read(user: User, dimension: TopicDimension, start: dt.datetime, end: dt.datetime) -> Counter:
    field = f"{dimension.value}_id"
    rows = (
        contacts_visible_to(user)
        .filter(started_at__gte=start, started_at__lt=end, **{f"{field}__isnull": False})
        .values_list(field)
        .annotate(n=Count("id"))
        .order_by()
    )
    return Counter({key: n for key, n in rows})


def _counts(user: User, dimension: TopicDimension, span: Span) -> Counter:
    """The contacts per key in the span: its whole days gone by are read once and kept
    `KEEP_DAY_SECONDS` (a day's counts no longer change but for a late correction), the
    part of a day up to the span's end is read each time. Seven days against seven then
    read about as much as a day against a day."""
    counts: Counter = Counter()
    scope = "all" if user.is_superuser else user.centre_id  # as contacts_visible_to reads
    today = timezone.localdate()
    day = timezone.localdate(span.start)
    start = span.start
    while start < span.end:
        following = start_of(day + dt.timedelta(days=1))
        if start == start_of(day) and following <= span.end and day < today:
            key = f"kefu:topics:{scope}:{dimension.value}:{day.isoformat()}"
            whole = cache.get(key)
            if whole is None:
                whole = _read(user, dimension, start, following)
                cache.set(key, whole, KEEP_DAY_SECONDS)
            counts.update(whole)
        else:
            counts.update(_read(user, dimension, start, min(following, span.end)))
        start, day = following, day + dt.timedelta(days=1)
    return counts


def _labels(dimension: TopicDimension, keys: list[int]) -> dict[int, str]:
    if dimension is TopicDimension.REGION:
        return dict(Region.objects.filter(pk__in=keys).values_list("pk", "name"))
    reasons = CallReason.objects.filter(pk__in=keys).select_related("parent")
    return {
        reason.pk: path_label([reason.parent.name if reason.parent else "", reason.name])
        for reason in reasons
    }


def _examples(
    user: User, dimension: TopicDimension, span: Span, keys: list[int]
) -> dict[int, list]:
    """The latest few contacts with a summary of each topic, in one query, from the span's
    last day (a week's contacts of a busy reason need not be ranked to find its latest)."""
    start = max(span.start, span.end - dt.timedelta(days=1))
    field = f"{dimension.value}_id"
    latest = (
        contacts_visible_to(user)
        .filter(
            ~Q(summary=""),
            started_at__gte=start,
            started_at__lt=span.end,
            **{f"{field}__in": keys},
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F(field)],
                order_by=[F("started_at").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=EXAMPLES)
        .order_by(field, "rank")
    )
    examples: dict[int, list[Contact]] = {}
    for contact in latest:
        examples.setdefault(getattr(contact, field), []).append(contact)
    return examples


def hot_topics_of(
    user: User,
    *,
    day: dt.date | None = None,
    compare: TopicCompare = TopicCompare.DAY,
    dimension: TopicDimension = TopicDimension.SERVICE_CONTENT,
    now: dt.datetime | None = None,
    limit: int = LIMIT,
    examples: bool = True,
) -> TopicReport:
    """The hot topics of the contacts the user sees: `day` (today by default) against the
    span `compare` names, on one dimension of the call reasons. Four queries whatever the
    period: two grouped counts, the names, the examples (if asked)."""
    if not user.has_perm(VIEW_REPORTS):
        raise Forbidden()
    now = now or timezone.now()
    today = timezone.localdate(now)
    day = day or today
    if day > today:
        raise Invalid(_("The day has not come yet."), code="day_in_future", detail={"field": "day"})
    span, before = spans(day, compare, now)
    counts, counts_before = _counts(user, dimension, span), _counts(user, dimension, before)
    found = hot_topics(counts, counts_before, limit=min(limit, LIMIT))
    keys = [topic.key for topic in found]
    labels = _labels(dimension, keys)
    shown = _examples(user, dimension, span, keys) if keys and examples else {}
    return TopicReport(
        day=day,
        compare=compare,
        dimension=dimension,
        now=span,
        before=before,
        contacts=sum(counts.values()),
        contacts_before=sum(counts_before.values()),
        topics=[
            HotTopic(topic.key, labels.get(topic.key, "—"), topic, shown.get(topic.key, []))
            for topic in found
        ],
    )
