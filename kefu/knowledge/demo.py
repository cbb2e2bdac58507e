"""The demo knowledge bases: a power utility's and a telecom operator's, from the JSON files
in demo_data/, loaded once per centre.

Articles are written straight into the tables with the history they would have had (a
draft, a version approved by a second editor, an expiry date relative to today), then
indexed in one pass: going through the editorial services article by article would cost
minutes and add nothing the services' tests do not already show.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from kefu.contacts.models import CallReason
from kefu.core.models import OrgUnit, User
from kefu.knowledge.lifecycle import State
from kefu.knowledge.models import Article, ArticleVersion, KnowledgeCategory, Synonym
from kefu.knowledge.services import search_index_update

DATA = Path(__file__).with_name("demo_data")
FILES = ("power.json", "telecom.json")
# The day the demo articles were written: notices about coming days (planned outages,
# maintenance windows) are moved by as many days as have passed since, so a notice is
# live before its day and expired after it, whenever the demo is loaded.
WRITTEN = date(2026, 11, 23)
_DATE = re.compile(
    r"(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月(?P<day>\d{1,2})(?P<suffix>[日号])"
    r"(?P<weekday>（星期[一二三四五六日]）)?(?:至(?P<until>\d{1,2})日)?"
)
_WEEKDAYS = "一二三四五六日"
# Notices tied to a season or a public holiday keep their dates.
_SEASONAL = re.compile(r"\d{4}年|国庆|中秋|春节|迎峰度夏")


@dataclass(frozen=True)
class Loaded:
    centre: str
    articles: int


def read(name: str) -> dict[str, Any]:
    return dict(json.loads((DATA / name).read_text(encoding="utf-8")))


@transaction.atomic
def load_knowledge(*, author: User, reviewer: User, data: dict[str, Any]) -> Loaded:
    """One centre's demo knowledge base, unless it already has articles."""
    centre = OrgUnit.objects.get(code=data["centre"], kind=OrgUnit.Kind.CENTRE)
    if Article.objects.filter(centre=centre).exists():
        return Loaded(centre.code, 0)
    categories: dict[str, KnowledgeCategory] = {}
    for position, row in enumerate(data["categories"]):
        categories[row["code"]], _ = KnowledgeCategory.objects.get_or_create(
            centre=centre,
            code=row["code"],
            defaults={
                "name": row["name"],
                "parent": categories.get(row["parent"] or ""),
                "position": position,
            },
        )
    if not Synonym.objects.filter(centre=centre).exists():
        Synonym.objects.bulk_create(
            Synonym(centre=centre, words=", ".join(words)) for words in data["synonyms"]
        )
    reasons = dict(
        CallReason.objects.filter(
            centre=centre, dimension=CallReason.Dimension.SERVICE_CONTENT
        ).values_list("code", "pk")
    )
    today = timezone.localdate()
    rows = [dated(row, today) for row in data["articles"]]
    articles = [_article(centre, row, categories, author, today) for row in rows]
    Article.objects.bulk_create(articles, batch_size=500)
    versions = [
        first_version(article, reviewer=reviewer)
        for article, row in zip(articles, data["articles"], strict=True)
        if row["state"] in {State.PUBLISHED, State.EXPIRED, State.WITHDRAWN}
    ]
    ArticleVersion.objects.bulk_create(versions, batch_size=500)
    live = {v.article_id: v for v in versions}
    links = []
    writers = []
    for article, row in zip(articles, data["articles"], strict=True):
        if row["state"] == State.PUBLISHED:
            article.live_version = live[article.pk]
        if row["state"] in {State.DRAFT, State.IN_REVIEW}:  # a change not yet published
            writers.append(Article.writers.through(article_id=article.pk, user_id=author.pk))
        links += [
            Article.call_reasons.through(article_id=article.pk, callreason_id=reasons[code])
            for code in row.get("call_reasons", [])
            if code in reasons
        ]
    Article.objects.bulk_update(articles, ["live_version"], batch_size=500)
    Article.call_reasons.through.objects.bulk_create(links, batch_size=500)
    Article.writers.through.objects.bulk_create(writers, batch_size=500)
    search_index_update([article.pk for article in articles])
    return Loaded(centre.code, len(articles))


def first_version(article: Article, *, reviewer: User) -> ArticleVersion:
    """Version 1 of an article as written, approved by `reviewer` (unsaved)."""
    return ArticleVersion(
        article=article,
        number=1,
        kind=article.kind,
        title=article.title,
        body=article.body,
        author=article.author,
        approved_by=reviewer,
    )


def _near(month: int, day: int) -> date:
    """The date M月D日 nearest to when the articles were written."""
    options = []
    for year in (WRITTEN.year - 1, WRITTEN.year, WRITTEN.year + 1):
        try:
            options.append(date(year, month, day))
        except ValueError:
            continue
    return min(options, key=lambda option: abs(option - WRITTEN))


def shift_dates(text: str, days: int) -> str:
    """`text` with every date in it moved by `days`, weekdays told again."""

    def moved(match: re.Match[str]) -> str:
        month, day = int(match["month"]), int(match["day"])
        try:
            old = date(int(match["year"]), month, day) if match["year"] else _near(month, day)
        except ValueError:
            return match[0]
        new = old + timedelta(days=days)
        out = f"{new.year}年" if match["year"] else ""
        out += f"{new.month}月{new.day}{match['suffix']}"
        if match["weekday"]:
            out += f"（星期{_WEEKDAYS[new.weekday()]}）"
        if match["until"]:
            end = old.replace(day=int(match["until"])) + timedelta(days=days)
            out += f"至{end.day}日" if end.month == new.month else f"至{end.month}月{end.day}日"
        return out

    return _DATE.sub(moved, text)


def dated(row: dict[str, Any], today: date) -> dict[str, Any]:
    """A notice with an expiry, its dates moved to today's (see `WRITTEN`)."""
    if row.get("expires_in_days") is None or _SEASONAL.search(row["title"]):
        return row
    days = (today - WRITTEN).days
    return {
        **row,
        "title": shift_dates(row["title"], days),
        "body": shift_dates(row["body"], days),
        "questions": [shift_dates(question, days) for question in row.get("questions", [])],
    }


def _article(
    centre: OrgUnit,
    row: dict[str, Any],
    categories: dict[str, KnowledgeCategory],
    author: User,
    today: date,
) -> Article:
    expires = row.get("expires_in_days")
    roles = sorted(set(row.get("roles") or []))
    return Article(
        centre=centre,
        kind=row["kind"],
        title=row["title"],
        body=row["body"],
        category=categories.get(row.get("category") or ""),
        tags=row.get("tags", []),
        questions=row.get("questions", []),
        effective_from=today - timedelta(days=90),
        expires_at=today + timedelta(days=expires) if expires is not None else None,
        roles=f",{','.join(roles)}," if roles else "",
        state=row["state"],
        owner=author,
        author=author,
    )
