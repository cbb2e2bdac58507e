"""The two full-text engines behind knowledge search, chosen by the database in use.

SQLite keeps the terms in an FTS5 table and ranks with its `bm25()`. PostgreSQL keeps
them in a tsvector with a GIN index, matched with `@@`, and ranks with the same BM25
formula written in SQL over each article's weighted term counts. Both receive the terms
`analysis` produced, joined by spaces, so neither segments Chinese on its own, and both
answer the same question: which of these articles match this expression, best first.

Each also keeps an article's names (its title with the ways callers ask, and its tags)
apart, in a second FTS5 table or tsvector: their posting lists are short, so asking the
names first costs little even for words half the base holds in its bodies.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Protocol

from django.db import connection
from django.db.models import QuerySet

from kefu.knowledge.analysis import K1, WEIGHTS, B, Document, Group

FTS_TABLE = "knowledge_fts"
NAMES_TABLE = "knowledge_fts_names"
PG_TABLE = "knowledge_pg_document"


class Engine(Protocol):
    def frequencies(self, article_ids: Sequence[int]) -> dict[int, tuple[dict[str, int], int]]:
        """For each indexed article among these: its weighted term counts and its length."""
        ...

    def store(self, documents: Sequence[tuple[int, Document]]) -> None: ...

    def named(
        self, articles: QuerySet, alternatives: Sequence[Sequence[Group]], limit: int
    ) -> list[tuple[int, Document]]:
        """Of `articles`, those whose names hold a term of every group of at least one
        alternative, newest first, at most `limit`; each with its names as a document
        without a body."""
        ...

    def remove(self, article_ids: Sequence[int]) -> None: ...

    def candidates(
        self,
        articles: QuerySet,
        alternatives: Sequence[Sequence[Group]],
        idf: dict[str, float],
        average_length: float,
        limit: int,
    ) -> list[int]:
        """The `limit` best of `articles` by BM25 that hold a term of every group of at
        least one alternative."""
        ...

    def holding(self, articles: QuerySet, term: str) -> QuerySet:
        """Those of `articles` whose indexed text (names, tags or body) holds `term`."""
        ...


def _chunks(items: Sequence, size: int = 500) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SqliteEngine:
    def _documents(self, article_ids: Sequence[int]) -> Iterable[tuple[int, Document]]:
        """The stored documents back from the FTS table, where the terms are kept as
        written, separated by spaces."""
        with connection.cursor() as cursor:
            for chunk in _chunks(article_ids):
                marks = ",".join("%s" for _ in chunk)
                cursor.execute(
                    f"SELECT rowid, title, tags, body FROM {FTS_TABLE} WHERE rowid IN ({marks})",  # noqa: S608
                    list(chunk),
                )
                for rowid, title, tags, body in cursor.fetchall():
                    yield rowid, Document(title.split(), tags.split(), body.split())

    def frequencies(self, article_ids: Sequence[int]) -> dict[int, tuple[dict[str, int], int]]:
        return {
            pk: (doc.weighted_frequencies(), doc.length) for pk, doc in self._documents(article_ids)
        }

    def store(self, documents: Sequence[tuple[int, Document]]) -> None:
        with connection.cursor() as cursor:
            for chunk in _chunks(documents):
                marks = ",".join("%s" for _ in chunk)
                ids = [article_id for article_id, _ in chunk]
                for table in (FTS_TABLE, NAMES_TABLE):
                    cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", ids)  # noqa: S608
                cursor.executemany(
                    f"INSERT INTO {FTS_TABLE} (rowid, title, tags, body) VALUES (%s, %s, %s, %s)",  # noqa: S608
                    [
                        (article_id, " ".join(doc.title), " ".join(doc.tags), " ".join(doc.body))
                        for article_id, doc in chunk
                    ],
                )
                cursor.executemany(
                    f"INSERT INTO {NAMES_TABLE} (rowid, title, tags) VALUES (%s, %s, %s)",  # noqa: S608
                    [
                        (article_id, " ".join(doc.title), " ".join(doc.tags))
                        for article_id, doc in chunk
                    ],
                )

    def remove(self, article_ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            for chunk in _chunks(article_ids):
                marks = ",".join("%s" for _ in chunk)
                for table in (FTS_TABLE, NAMES_TABLE):
                    cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", list(chunk))  # noqa: S608

    def named(
        self, articles: QuerySet, alternatives: Sequence[Sequence[Group]], limit: int
    ) -> list[tuple[int, Document]]:
        return _named(
            articles,
            table=NAMES_TABLE,
            key="rowid",
            subquery=f"SELECT rowid FROM {NAMES_TABLE} WHERE {NAMES_TABLE} MATCH %s",  # noqa: S608
            expression=_expression(alternatives, every="AND", some="OR", quote='"'),
            limit=limit,
        )

    def candidates(
        self,
        articles: QuerySet,
        alternatives: Sequence[Sequence[Group]],
        idf: dict[str, float],
        average_length: float,
        limit: int,
    ) -> list[int]:
        # FTS5 scores each occurrence of a term in the expression, and every group stands
        # in as many alternatives as any other: its scores are PostgreSQL's times a
        # constant, so both engines order the candidates alike.
        weights = ", ".join(str(float(WEIGHTS[c])) for c in ("title", "tags", "body"))
        return _top(
            articles,
            table=FTS_TABLE,
            key="rowid",
            match=f"{FTS_TABLE} MATCH %s",
            expression=_expression(alternatives, every="AND", some="OR", quote='"'),
            score=f"-bm25({FTS_TABLE}, {weights})",
            limit=limit,
        )

    def holding(self, articles: QuerySet, term: str) -> QuerySet:
        return _holding(
            articles,
            table=FTS_TABLE,
            key="rowid",
            match=f"{FTS_TABLE} MATCH %s",
            expression=_expression([[Group(term, [term])]], every="AND", some="OR", quote='"'),
        )


def _holding(articles: QuerySet, *, table: str, key: str, match: str, expression: str) -> QuerySet:
    return articles.extra(  # noqa: S610 - the expression is bound
        tables=[table], where=[f"{table}.{key} = knowledge_article.id", match], params=[expression]
    )


def _expression(
    alternatives: Sequence[Sequence[Group]], *, every: str, some: str, quote: str
) -> str:
    """Any of the alternatives, each asking for a term of every one of its groups, in the
    engine's own query language."""

    def group(terms: list[str]) -> str:
        return "(" + f" {some} ".join(f"{quote}{term}{quote}" for term in terms) + ")"

    return f" {some} ".join(
        "(" + f" {every} ".join(group(g.terms) for g in alternative) + ")"
        for alternative in alternatives
    )


def _named(
    articles: QuerySet, *, table: str, key: str, subquery: str, expression: str, limit: int
) -> list[tuple[int, Document]]:
    """The articles whose names the engine's subquery matches, newest first, with their
    names' terms. As a subquery the match runs once, whatever order the planner reads the
    articles in; the names are then read by key."""
    rows = (
        articles.extra(  # noqa: S610 - the expression is bound
            tables=[table],
            where=[
                f"{table}.{key} = knowledge_article.id",
                f"knowledge_article.id IN ({subquery})",
            ],
            params=[expression],
            select={"names_title": f"{table}.title", "names_tags": f"{table}.tags"},
        )
        .order_by("-pk")
        .values_list("pk", "names_title", "names_tags")[:limit]
    )
    return [(pk, Document(title.split(), tags.split(), [])) for pk, title, tags in rows]


def _top(
    articles: QuerySet,
    *,
    table: str,
    key: str,
    match: str,
    expression: str,
    score: str,
    limit: int,
    score_params: Sequence[object] = (),
) -> list[int]:
    """The best `limit` of `articles` that the engine's table matches. The article filters
    are Django's; the engine adds its table, its match and its score."""
    rows = (
        articles.extra(  # noqa: S610 - the expression and the score's values are bound
            tables=[table],
            where=[f"{table}.{key} = knowledge_article.id", match],
            params=[expression],
            select={"score": score},
            select_params=score_params,
        )
        .order_by("-score", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return list(rows)


class PostgresEngine:
    def frequencies(self, article_ids: Sequence[int]) -> dict[int, tuple[dict[str, int], int]]:
        if not article_ids:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT article_id, frequencies, length FROM {PG_TABLE} "  # noqa: S608
                "WHERE article_id = ANY(%s)",
                [list(article_ids)],
            )
            return {
                article_id: (json.loads(f) if isinstance(f, str) else f, length)
                for article_id, f, length in cursor.fetchall()
            }

    def store(self, documents: Sequence[tuple[int, Document]]) -> None:
        with connection.cursor() as cursor:
            for chunk in _chunks(documents):
                frequencies = [doc.weighted_frequencies() for _, doc in chunk]
                cursor.execute(
                    f"INSERT INTO {PG_TABLE} (article_id, length, terms, frequencies, "  # noqa: S608
                    "title, tags, names) "
                    "SELECT id, length, array_to_tsvector(string_to_array(words, ' ')), "
                    "frequencies::jsonb, title, tags, "
                    "array_to_tsvector(string_to_array(names, ' ')) "
                    "FROM unnest(%s::int[], %s::int[], %s::text[], %s::text[], %s::text[], "
                    "%s::text[], %s::text[]) AS d(id, length, words, frequencies, title, tags, "
                    "names) "
                    "ON CONFLICT (article_id) DO UPDATE SET length = EXCLUDED.length, "
                    "terms = EXCLUDED.terms, frequencies = EXCLUDED.frequencies, "
                    "title = EXCLUDED.title, tags = EXCLUDED.tags, names = EXCLUDED.names",
                    [
                        [article_id for article_id, _ in chunk],
                        [doc.length for _, doc in chunk],
                        [" ".join(f) for f in frequencies],
                        [json.dumps(f, ensure_ascii=False) for f in frequencies],
                        [" ".join(doc.title) for _, doc in chunk],
                        [" ".join(doc.tags) for _, doc in chunk],
                        [" ".join(dict.fromkeys(doc.title + doc.tags)) for _, doc in chunk],
                    ],
                )

    def remove(self, article_ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {PG_TABLE} WHERE article_id = ANY(%s)",  # noqa: S608
                [list(article_ids)],
            )

    def named(
        self, articles: QuerySet, alternatives: Sequence[Sequence[Group]], limit: int
    ) -> list[tuple[int, Document]]:
        return _named(
            articles,
            table=PG_TABLE,
            key="article_id",
            subquery=f"SELECT article_id FROM {PG_TABLE} WHERE names @@ %s::tsquery",  # noqa: S608
            expression=_expression(alternatives, every="&", some="|", quote="'"),
            limit=limit,
        )

    def candidates(
        self,
        articles: QuerySet,
        alternatives: Sequence[Sequence[Group]],
        idf: dict[str, float],
        average_length: float,
        limit: int,
    ) -> list[int]:
        norm = f"{K1} * (1 - {B} + {B} * {PG_TABLE}.length / %s)"
        parts, params = [], []
        for term, weight in idf.items():
            frequency = f"COALESCE(({PG_TABLE}.frequencies ->> %s)::float8, 0)"
            parts.append(f"%s * {frequency} * {K1 + 1} / ({frequency} + {norm})")
            params += [weight, term, term, average_length]
        return _top(
            articles,
            table=PG_TABLE,
            key="article_id",
            match=f"{PG_TABLE}.terms @@ %s::tsquery",
            expression=_expression(alternatives, every="&", some="|", quote="'"),
            score=" + ".join(parts) or "0",
            score_params=params,
            limit=limit,
        )

    def holding(self, articles: QuerySet, term: str) -> QuerySet:
        return _holding(
            articles,
            table=PG_TABLE,
            key="article_id",
            match=f"{PG_TABLE}.terms @@ %s::tsquery",
            expression=_expression([[Group(term, [term])]], every="&", some="|", quote="'"),
        )


def current() -> Engine:
    return PostgresEngine() if connection.vendor == "postgresql" else SqliteEngine()


def clear() -> None:
    """Empty the engine's table: only ever when there are no articles at all."""
    tables = [PG_TABLE] if connection.vendor == "postgresql" else [FTS_TABLE, NAMES_TABLE]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
