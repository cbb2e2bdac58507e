"""The demo knowledge bases: a power utility's and a telecom operator's, from the JSON files
in demo_data/, loaded once per centre.

Articles are written straight into the tables with the history they would have had (a
draft, a version approved by a second editor, an expiry date relative to today), then
indexed in one pass: going through the editorial services article by article would cost
minutes and add nothing the services' tests do not already show.
"""

from __future__ import annotations

import json
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
    articles = [_article(centre, row, categories, author, today) for row in data["articles"]]
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
