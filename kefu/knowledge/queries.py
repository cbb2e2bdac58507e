"""Reads of the knowledge base, always through what the user may see."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from kefu.contacts.models import CallReason
from kefu.core.errors import Forbidden, NotFound
from kefu.core.models import User
from kefu.core.roles import CHANGE_ARTICLE, VIEW_ARTICLE
from kefu.knowledge import analysis, engines
from kefu.knowledge.lifecycle import State
from kefu.knowledge.models import (
    Article,
    ArticleVersion,
    Attachment,
    Feedback,
    KnowledgeCategory,
    SearchStats,
    SearchTerm,
    Synonym,
)
from kefu.tickets.models import Ticket


def articles_visible_to(user: User, *, today: date | None = None) -> QuerySet[Article]:
    """Editors see every article of their centre, drafts included. Everyone else sees the
    live ones in effect today that are meant for their role."""
    if not user.has_perm(VIEW_ARTICLE):
        raise Forbidden()
    articles = Article.objects.filter(centre_id=user.centre_id)
    if user.has_perm(CHANGE_ARTICLE):
        return articles
    today = today or timezone.localdate()
    return articles.filter(
        Q(effective_from__isnull=True) | Q(effective_from__lte=today),
        Q(expires_at__isnull=True) | Q(expires_at__gte=today),
        live_version__isnull=False,
    ).filter(Q(roles="") | Q(roles__contains=f",{user.role},"))


# --- what the segmenter and the query builder know -------------------------------------

_lock = threading.Lock()
_loaded_revision: object = None
_synonyms: dict[int | None, dict[str, tuple[str, ...]]] = {}


def _vocabulary_revision() -> tuple[object, ...]:
    """Changes whenever an editor changes the synonyms or the categories, or the
    taxonomy changes: one query, since every search asks."""
    synonyms, categories, reasons = (
        model._meta.db_table for model in (Synonym, KnowledgeCategory, CallReason)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(updated_at) FROM {synonyms}), "  # noqa: S608 - model tables
            f"(SELECT COUNT(*) FROM {synonyms}), (SELECT MAX(id) FROM {categories}), "
            f"(SELECT COUNT(*) FROM {categories}), (SELECT MAX(id) FROM {reasons}), "
            f"(SELECT COUNT(*) FROM {reasons})"
        )
        return tuple(cursor.fetchone())


def vocabulary_prepare(centre_id: int | None = None) -> Mapping[str, Sequence[str]]:
    """Teach the segmenter the centres' words once per process, and again whenever they
    change; returns the centre's synonym index. The tags of an article are taught as it
    is indexed (`services.index._document`), and here with all the others."""
    global _loaded_revision
    revision = _vocabulary_revision()
    if revision != _loaded_revision:
        with _lock:
            groups: dict[int | None, list[list[str]]] = {}
            for centre, line in Synonym.objects.values_list("centre_id", "words"):
                groups.setdefault(centre, []).append(analysis.split_words(line))
            words: list[str] = [w for gs in groups.values() for g in gs for w in g]
            words += CallReason.objects.values_list("name", flat=True)
            words += KnowledgeCategory.objects.values_list("name", flat=True)
            words += [
                tag for tags in Article.objects.values_list("tags", flat=True) for tag in tags
            ]
            analysis.use_words(words)
            _synonyms.clear()
            _synonyms.update({c: analysis.synonym_index(g) for c, g in groups.items()})
            _loaded_revision = revision
    return _synonyms.get(centre_id, {})


def vocabulary_forget() -> None:
    """Read the centres' words anew at the next search, as a new process would."""
    global _loaded_revision
    _loaded_revision = None


class IndexVocabulary:
    """The index's terms as `analysis` asks for them, each looked up once per search."""

    def __init__(self) -> None:
        self.frequencies: dict[str, int] = {}

    def document_frequency(self, terms: Sequence[str]) -> dict[str, int]:
        missing = [t for t in terms if t not in self.frequencies]
        if missing:
            self.frequencies.update(dict.fromkeys(missing, 0))
            self.frequencies.update(
                SearchTerm.objects.filter(term__in=missing).values_list("term", "documents")
            )
        return {t: self.frequencies[t] for t in terms}

    def same_pinyin(self, keys: Sequence[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        rows = (
            SearchTerm.objects.filter(pinyin__in=keys, documents__gt=0)
            .order_by("-documents", "term")
            .values_list("pinyin", "term", "documents")
        )
        for key, term, documents in rows:
            found.setdefault(key, []).append(term)
            self.frequencies[term] = documents
        return found

    def as_analysis(self) -> analysis.Vocabulary:
        return analysis.Vocabulary(self.document_frequency, self.same_pinyin)


# --- search --------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    article: Article
    title: str
    snippet: str
    score: float


def category_with_descendants(centre_id: int | None, code: str) -> list[int]:
    rows = list(
        KnowledgeCategory.objects.filter(centre_id=centre_id).values_list("pk", "code", "parent_id")
    )
    chosen = {pk for pk, c, _ in rows if c == code}
    grew = True
    while grew:
        more = {pk for pk, _, parent in rows if parent in chosen} - chosen
        chosen |= more
        grew = bool(more)
    return sorted(chosen)


# How many candidates each step of the ladder takes from the engine to order them itself.
POOL = 30
# How many articles a step over the names ranks at most: past that, only the newest.
# Names are short, so even a common word is in few of them.
NAMED_LIMIT = 1000


def _best_first(scored: list[tuple[int, float]]) -> list[tuple[int, float]]:
    # Rounded so that both engines' float sums tie alike; ties go to the older article.
    return sorted(scored, key=lambda hit: (-round(hit[1], 9), hit[0]))


def article_search(
    user: User,
    text: str,
    *,
    kind: str | None = None,
    category: str | None = None,
    limit: int = 10,
    today: date | None = None,
) -> list[SearchHit]:
    """The articles the user may read that answer `text`, best first."""
    articles = articles_visible_to(user, today=today)
    if kind:
        articles = articles.filter(kind=kind)
    if category:
        articles = articles.filter(
            category_id__in=category_with_descendants(user.centre_id, category)
        )
    synonyms = vocabulary_prepare(user.centre_id)
    vocabulary = IndexVocabulary()
    groups = analysis.query_groups(text, synonyms=synonyms, vocabulary=vocabulary.as_analysis())
    if not groups:
        return []
    stats = SearchStats.objects.first()
    if stats is None or not stats.documents:
        return []
    query = analysis.query_terms(groups)
    document_frequency = vocabulary.document_frequency(query)
    idf = {
        t: analysis.idf(documents=stats.documents, frequency=document_frequency[t]) for t in query
    }
    engine = engines.current()
    average_length = stats.terms / stats.documents

    def bm25(frequencies: Mapping[str, float], length: int) -> float:
        return analysis.group_bm25(
            frequencies=frequencies,
            length=length,
            groups=groups,
            document_frequency=document_frequency,
            documents=stats.documents,
            average_length=average_length,
        )

    found: list[tuple[int, float]] = []
    for step in analysis.match_steps(groups, documents=stats.documents):
        seen = [pk for pk, _ in found]
        among = articles.exclude(pk__in=seen) if seen else articles
        if step.names_only:
            # Names are short: every article they find is ranked here, by the groups' BM25
            # over its names.
            named = engine.named(among, step.alternatives, NAMED_LIMIT)
            scored = [(pk, bm25(names.weighted_frequencies(), names.length)) for pk, names in named]
            candidates = [pk for pk, _ in _best_first(scored)[: max(POOL, limit)]]
        else:
            # The engine's BM25 over the terms it matches on picks the candidates.
            candidates = engine.candidates(
                among,
                step.alternatives,
                {term: idf[term] for term in analysis.level_terms(step.alternatives)},
                average_length,
                max(POOL, limit),
            )
        # The groups' BM25 over the whole text orders them.
        counts = engine.frequencies(candidates)
        rescored = _best_first([(pk, bm25(*counts[pk])) for pk in candidates])
        found += rescored[: limit - len(found)]
        if len(found) >= limit:
            break
    by_id = Article.objects.select_related("live_version").in_bulk([pk for pk, _ in found])
    words = [g.said for g in groups] + query
    hits = []
    for pk, score in found:
        article = by_id[pk]
        shown = article.readable
        hits.append(SearchHit(article, shown.title, analysis.snippet(shown.body, words), score))
    return hits


# How many of the index's commonest words that start with what was typed are weighed,
# and how many of them, held by articles the user may read, are offered.
WORD_CANDIDATES = 12
WORDS_OFFERED = 3


def search_suggestions(user: User, prefix: str, *, limit: int = 8) -> list[str]:
    """As the agent types: the index's commonest words that start with what was typed,
    then the titles the search finds for it. Only from text the user may read: the index
    counts the words of every centre, draft and role, so each word is offered only when
    an article the user may read holds it."""
    prefix = analysis.normalize(prefix).strip()
    if not prefix:
        return []
    # Through the primary key's index: PostgreSQL has a pattern index for LIKE; SQLite
    # compares by code point, so a range does it there, where LIKE would read every term.
    starting = (
        Q(term__startswith=prefix)
        if connection.vendor == "postgresql"
        else Q(term__gte=prefix, term__lt=prefix + "\U0010ffff")
    )
    candidates = (
        SearchTerm.objects.filter(starting, documents__gt=0)
        .order_by("-documents", "term")
        .values_list("term", flat=True)[:WORD_CANDIDATES]
    )
    readable = articles_visible_to(user)
    engine = engines.current()
    words: list[str] = []
    for term in candidates:
        if len(words) == WORDS_OFFERED:
            break
        if engine.holding(readable, term).exists():
            words.append(term)
    titles = [hit.title for hit in article_search(user, prefix, limit=limit)]
    return list(dict.fromkeys([*words, *titles]))[:limit]


def article_text_for(user: User, article: Article) -> Article | ArticleVersion:
    """The text this user reads: editors the working copy they change, everyone else the
    live version."""
    return article if user.has_perm(CHANGE_ARTICLE) else article.readable


def categories_of(user: User) -> QuerySet[KnowledgeCategory]:
    return KnowledgeCategory.objects.filter(centre_id=user.centre_id)


def article_get_for_user(user: User, article_id: int) -> Article:
    article = (
        articles_visible_to(user)
        .select_related("category", "owner", "author", "live_version")
        .prefetch_related("call_reasons")
        .filter(pk=article_id)
        .first()
    )
    if article is None:
        raise NotFound(code="article_not_found")
    return article


def article_writer_ids(article: Article) -> set[int]:
    """Who wrote the working copy since it was last published: its writers, and its last
    author in any case (the four-eyes rule's writers)."""
    return {*article.writers.values_list("pk", flat=True), article.author_id}


def article_list(
    user: User,
    *,
    state: str | None = None,
    kind: str | None = None,
    category: str | None = None,
    q: str | None = None,
    most_used: bool = False,
) -> QuerySet[Article]:
    """Newest change first, or with `most_used` the articles agents use most."""
    articles = (
        articles_visible_to(user)
        .select_related("category", "owner", "author", "live_version")
        .prefetch_related("call_reasons")
    )
    if state:
        articles = articles.filter(state=state)
    if kind:
        articles = articles.filter(kind=kind)
    if category:
        articles = articles.filter(
            category_id__in=category_with_descendants(user.centre_id, category)
        )
    if q:
        articles = articles.filter(title__icontains=q.strip())
    if most_used:
        return articles.order_by("-uses", "-views", "pk")
    return articles.order_by("-updated_at", "-pk")


def review_queue(user: User) -> QuerySet[Article]:
    """Articles waiting for review, the longest waiting first."""
    if not user.has_perm(CHANGE_ARTICLE):
        raise Forbidden()
    return article_list(user, state=State.IN_REVIEW).order_by("updated_at", "pk")


def article_versions(user: User, article: Article) -> QuerySet[ArticleVersion]:
    """Published versions, newest first; editors only, since they include withdrawn text."""
    if not user.has_perm(CHANGE_ARTICLE):
        raise Forbidden()
    return article.versions.select_related("author", "approved_by").order_by("-number")


def feedback_queue(user: User) -> QuerySet[Feedback]:
    """The editors' queue: marks not yet dealt with, wrong before outdated, oldest first."""
    if not user.has_perm(CHANGE_ARTICLE):
        raise Forbidden()
    return (
        Feedback.objects.filter(article__centre_id=user.centre_id, resolved_at__isnull=True)
        .exclude(kind=Feedback.Kind.HELPFUL)
        .select_related("article", "user")
        .order_by("-kind", "at")
    )


def articles_for_ticket(user: User, ticket: Ticket, *, limit: int = 5) -> list[SearchHit]:
    """What may help with a work order: articles linked to its category first, then what
    its category and text find."""
    hits: list[SearchHit] = []
    if ticket.category_id:
        linked = (
            articles_visible_to(user)
            .filter(call_reasons=ticket.category_id)
            .select_related("live_version")
            .order_by("-uses", "pk")[:limit]
        )
        hits = [SearchHit(a, a.readable.title, "", 0.0) for a in linked]
    text = " ".join(filter(None, [ticket.category.name if ticket.category else "", ticket.title]))
    seen = {hit.article.pk for hit in hits}
    for hit in article_search(user, text, limit=limit):
        if hit.article.pk not in seen and len(hits) < limit:
            hits.append(hit)
    return hits


def articles_expiring(user: User, *, today: date | None = None) -> QuerySet[Article]:
    """Published articles whose expiry date falls within the warning period, soonest first."""
    if not user.has_perm(CHANGE_ARTICLE):
        raise Forbidden()
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.KEFU_KB_EXPIRY_WARNING_DAYS)
    return (
        articles_visible_to(user)
        .filter(state=State.PUBLISHED, expires_at__lte=horizon)
        .select_related("owner")
        .order_by("expires_at", "pk")
    )


def synonyms_of(user: User) -> QuerySet[Synonym]:
    if not user.has_perm(CHANGE_ARTICLE):
        raise Forbidden()
    return Synonym.objects.filter(centre_id=user.centre_id).order_by("id")


def attachment_get_for_user(user: User, attachment_id: int) -> Attachment:
    """An attachment of an article the user may read."""
    attachment = (
        Attachment.objects.filter(pk=attachment_id, article__in=articles_visible_to(user))
        .select_related("article")
        .first()
    )
    if attachment is None:
        raise NotFound(code="attachment_not_found")
    return attachment
