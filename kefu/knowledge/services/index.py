"""The search index: each article's terms written as it changes, and rebuilt whole."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import F

from kefu.knowledge import analysis, engines
from kefu.knowledge.models import (
    Article,
    SearchStats,
    SearchTerm,
)
from kefu.knowledge.queries import vocabulary_prepare

# --- the search index ------------------------------------------------------------------


def _document(article: Article) -> analysis.Document:
    """What agents search is what they read."""
    text = article.readable
    analysis.add_words([*article.tags, *([article.category.name] if article.category else [])])
    return analysis.Document.of(
        title=text.title, questions=article.questions, tags=article.tags, body=text.body
    )


def search_index_update(article_ids: Sequence[int]) -> None:
    """Bring the index up to date for these articles, in the caller's transaction, with
    the term counts and totals BM25 weighs by. Index writers queue on the one totals row,
    so two editors publishing at once cannot miscount a term."""
    if not article_ids:
        return
    vocabulary_prepare()
    articles = Article.objects.filter(pk__in=article_ids).select_related("live_version", "category")
    search_index_write(article_ids, [(article.pk, _document(article)) for article in articles])


def search_index_write(
    article_ids: Sequence[int], documents: Sequence[tuple[int, analysis.Document]]
) -> None:
    """Store these articles' documents (the ones without a document leave the index) and
    keep the term counts and totals true."""
    stats, _ = SearchStats.objects.select_for_update().get_or_create(pk=1)
    engine = engines.current()
    before = engine.frequencies(list(article_ids))
    delta: Counter[str] = Counter()
    documents_delta = tokens_delta = 0
    for held, length in before.values():
        delta.subtract(held.keys())
        documents_delta -= 1
        tokens_delta -= length
    for _pk, document in documents:
        delta.update(set(document.title + document.tags + document.body))
        documents_delta += 1
        tokens_delta += document.length
    engine.remove(sorted(set(article_ids) - {pk for pk, _ in documents}))
    engine.store(documents)
    _count_terms({term: change for term, change in delta.items() if change})
    SearchStats.objects.filter(pk=stats.pk).update(
        documents=F("documents") + documents_delta, terms=F("terms") + tokens_delta
    )


def _count_terms(changes: dict[str, int]) -> None:
    """Add each term's change in article count; new terms come with their pinyin."""
    terms = sorted(changes)
    existing: set[str] = set()
    for start in range(0, len(terms), 500):
        chunk = terms[start : start + 500]
        existing.update(SearchTerm.objects.filter(term__in=chunk).values_list("term", flat=True))
    with connection.cursor() as cursor:
        # One plain UPDATE a term: an ORM bulk_update writes a CASE per row, far slower
        # when a batch of articles touches tens of thousands of terms.
        cursor.executemany(
            "UPDATE knowledge_searchterm SET documents = documents + %s WHERE term = %s",
            [(changes[term], term) for term in terms if term in existing],
        )
    SearchTerm.objects.bulk_create(
        [
            SearchTerm(term=term, documents=changes[term], pinyin=analysis.pinyin_key(term))
            for term in terms
            if term not in existing
        ],
        batch_size=500,
    )


@transaction.atomic
def search_index_rebuild(*, batch: int = 1000) -> int:
    """Index every article anew: after a change of segmentation or synonyms' words."""
    engine = engines.current()
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    engine.remove(ids)
    SearchTerm.objects.all().delete()
    SearchStats.objects.all().delete()
    for start in range(0, len(ids), batch):
        search_index_update(ids[start : start + batch])
    return len(ids)
