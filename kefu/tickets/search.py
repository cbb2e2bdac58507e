"""Work-order text search: titles, descriptions, results and customers, read as the
knowledge base reads Chinese (kefu/core/fulltext.py: jieba, its search mode, the same stop
words) and kept in the same engines, chosen by the database in use: an FTS5 table on
SQLite, a tsvector with a GIN index on PostgreSQL (as kefu/knowledge/engines.py).

A search asks for every word typed (电费 查询 finds the orders that hold both), each word
whole or, where jieba splits it, by all of its parts. It also finds an order by its number
and a customer by their whole name, as before.

The terms are made in Python, so the database cannot keep them up to date by itself.
Triggers (`triggers_ensure`) note instead every order whose searched text changed, whoever
changed it (a service, a bulk update, an anonymisation, the admin). The notes are indexed
(`search_index_catch_up`) by the worker every minute and, a few hundred at most, before
each search; an order still noted is matched on its current text with LIKE, never on
terms that may be stale, so a search always answers for the text as it is.

Each order's terms also say where it is seen: its centre and its department (`SCOPE`
terms, which no text can make). The index then finds and counts the matches a user may
see by itself, without reading the orders. A change of department or centre notes the
order as a change of text does; the page itself is always read through the user's own
filters.

How a search is answered (`matching`), by how many orders it finds:
- a few (up to `COMMON`): their ids are read from the index, then the orders themselves
  by key, newest first; they are counted exactly;
- more: the orders are walked newest first and each is asked whether it matches, until
  the page is full; the count stops at the bound the list asks for ("more than 1000",
  kefu/core/pagination.py). SQLite reads up to `MATERIALIZE` matches once into a set,
  cheaper than asking FTS5 order by order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from psycopg.sql import Literal

from kefu.core.fulltext import index_terms, normalize, query_words, word_parts
from kefu.tickets.models import Ticket

FTS_TABLE = "tickets_search_fts"
PG_TABLE = "tickets_search_document"
PENDING = "tickets_search_pending"
# Notes indexed before a search at most; the worker takes the rest (bulk changes).
CATCH_UP_AT_SEARCH = 300
BATCH = 500
# Above this many matches the orders are walked newest first and counted no further.
COMMON = 1000
# SQLite, above COMMON: up to this many matches are read once into a set; more (a fifth
# of the orders or more: a page is found within a few orders), FTS5 is asked order by
# order.
MATERIALIZE = 20000
# Up to this many named or noted orders are read as a list of ids, not a subquery.
OTHERS = 1000
# Terms saying where an order is seen; text terms beginning so are left out.
SCOPE = "zzkefu"
# At most this many words of a query take part: beyond that it is a paragraph.
MAX_WORDS = 8

SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS tickets_search_insert AFTER INSERT ON tickets_ticket BEGIN "
    "INSERT OR REPLACE INTO tickets_search_pending (ticket_id, mark) "
    "VALUES (new.id, random()); END",
    # Dropped first: an older definition watched fewer columns.
    "DROP TRIGGER IF EXISTS tickets_search_update",
    "CREATE TRIGGER tickets_search_update AFTER UPDATE OF title, description, result, "
    "customer_id, centre_id, department_id ON tickets_ticket "
    "WHEN old.title IS NOT new.title OR old.description IS NOT new.description "
    "OR old.result IS NOT new.result OR old.customer_id IS NOT new.customer_id "
    "OR old.centre_id IS NOT new.centre_id OR old.department_id IS NOT new.department_id "
    "BEGIN "
    "INSERT OR REPLACE INTO tickets_search_pending (ticket_id, mark) "
    "VALUES (new.id, random()); END",
    "CREATE TRIGGER IF NOT EXISTS tickets_search_delete AFTER DELETE ON tickets_ticket BEGIN "
    "INSERT OR REPLACE INTO tickets_search_pending (ticket_id, mark) "
    "VALUES (old.id, random()); END",
    "CREATE TRIGGER IF NOT EXISTS tickets_search_customer "
    "AFTER UPDATE OF name, account_number ON customers_customer "
    "WHEN old.name IS NOT new.name OR old.account_number IS NOT new.account_number BEGIN "
    "INSERT OR REPLACE INTO tickets_search_pending (ticket_id, mark) "
    "SELECT id, random() FROM tickets_ticket WHERE customer_id = new.id; END",
]
POSTGRES_TRIGGERS = [
    """CREATE OR REPLACE FUNCTION tickets_search_note(ticket bigint) RETURNS void
    LANGUAGE sql AS $$
        INSERT INTO tickets_search_pending (ticket_id, mark)
        VALUES (ticket, floor(random() * 9e18)::bigint)
        ON CONFLICT (ticket_id) DO UPDATE SET mark = EXCLUDED.mark
    $$""",
    """CREATE OR REPLACE FUNCTION tickets_search_ticket_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            PERFORM tickets_search_note(OLD.id);
            RETURN OLD;
        END IF;
        IF TG_OP = 'INSERT' OR NEW.title IS DISTINCT FROM OLD.title
                OR NEW.description IS DISTINCT FROM OLD.description
                OR NEW.result IS DISTINCT FROM OLD.result
                OR NEW.customer_id IS DISTINCT FROM OLD.customer_id
                OR NEW.centre_id IS DISTINCT FROM OLD.centre_id
                OR NEW.department_id IS DISTINCT FROM OLD.department_id THEN
            PERFORM tickets_search_note(NEW.id);
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE OR REPLACE FUNCTION tickets_search_customer_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.name IS DISTINCT FROM OLD.name
                OR NEW.account_number IS DISTINCT FROM OLD.account_number THEN
            PERFORM tickets_search_note(id) FROM tickets_ticket WHERE customer_id = NEW.id;
        END IF;
        RETURN NEW;
    END $$""",
    "DROP TRIGGER IF EXISTS tickets_search_ticket ON tickets_ticket",
    "CREATE TRIGGER tickets_search_ticket "
    "AFTER INSERT OR DELETE OR UPDATE OF title, description, result, customer_id, "
    "centre_id, department_id "
    "ON tickets_ticket FOR EACH ROW EXECUTE FUNCTION tickets_search_ticket_changed()",
    "DROP TRIGGER IF EXISTS tickets_search_customer ON customers_customer",
    "CREATE TRIGGER tickets_search_customer AFTER UPDATE OF name, account_number "
    "ON customers_customer FOR EACH ROW EXECUTE FUNCTION tickets_search_customer_changed()",
]


def _postgres() -> bool:
    return connection.vendor == "postgresql"


SQLITE_TRIGGER_NAMES = (
    "tickets_search_customer",
    "tickets_search_delete",
    "tickets_search_update",
    "tickets_search_insert",
)


def triggers_drop_before_migrate(using: str = "default") -> None:
    """Drop SQLite's triggers before migrations run; `triggers_ensure` makes them again
    after. SQLite rebuilds a table to add or remove most columns, and the customers'
    trigger names the work orders' table, so a rebuilt `tickets_ticket` could not take its
    name back while that trigger stands (an upgrade stopped there). PostgreSQL alters
    tables in place and keeps its triggers."""
    from django.db import connections

    target = connections[using]
    if target.vendor != "sqlite":
        return
    with target.cursor() as cursor:
        for name in SQLITE_TRIGGER_NAMES:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def triggers_ensure(using: str = "default") -> None:
    """Make the triggers that note changed orders, where missing: after every migrate,
    since SQLite loses a table's triggers when a migration rebuilds the table."""
    from django.db import connections

    target = connections[using]
    statements = POSTGRES_TRIGGERS if target.vendor == "postgresql" else SQLITE_TRIGGERS
    with transaction.atomic(using=using), target.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def scope_terms(*, centre_id: int | None, department_id: int | None) -> list[str]:
    """The terms saying where an order is seen: its centre, its department (0: none)."""
    return [
        *([f"{SCOPE}c{centre_id}"] if centre_id is not None else []),
        f"{SCOPE}d{department_id or 0}",
    ]


def _text_term(term: str) -> bool:
    return not term.startswith(SCOPE)


def document_terms(
    *,
    title: str,
    description: str,
    result: str,
    customer_name: str,
    account_number: str,
    centre_id: int,
    department_id: int | None,
) -> list[str]:
    """The terms an order is found by, once each. The customer's name also whole, so the
    name as typed finds them however jieba splits it; the account number (户号) as it is;
    and where the order is seen (`scope_terms`), which no text can make."""
    terms = index_terms(" ".join((title, description, result, customer_name)))
    whole_name = "".join(normalize(customer_name).split())
    extra = [whole_name] if 0 < len(whole_name) <= 32 else []
    extra += [normalize(account_number)] if account_number else []
    text = [term for term in dict.fromkeys([*terms, *extra]) if _text_term(term)]
    return [*text, *scope_terms(centre_id=centre_id, department_id=department_id)]


def _store(documents: Sequence[tuple[int, list[str]]]) -> None:
    if not documents:
        return
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(
                f"INSERT INTO {PG_TABLE} (ticket_id, terms) "  # noqa: S608
                "SELECT id, array_to_tsvector(string_to_array(words, ' ')) "
                "FROM unnest(%s::bigint[], %s::text[]) AS d(id, words) "
                "ON CONFLICT (ticket_id) DO UPDATE SET terms = EXCLUDED.terms",
                [[pk for pk, _ in documents], [" ".join(terms) for _, terms in documents]],
            )
        else:
            ids = [pk for pk, _ in documents]
            marks = ",".join("%s" for _ in ids)
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", ids)  # noqa: S608
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, terms) VALUES (%s, %s)",  # noqa: S608
                [(pk, " ".join(terms)) for pk, terms in documents],
            )


def _remove(ticket_ids: Iterable[int]) -> None:
    ids = list(ticket_ids)
    if not ids:
        return
    table, key = (PG_TABLE, "ticket_id") if _postgres() else (FTS_TABLE, "rowid")
    marks = ",".join("%s" for _ in ids)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {key} IN ({marks})", ids)  # noqa: S608


@transaction.atomic
def _catch_up_batch(size: int) -> int:
    # PostgreSQL: several processes catching up at once take different notes.
    lock = " FOR UPDATE SKIP LOCKED" if _postgres() else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ticket_id, mark FROM {PENDING} ORDER BY ticket_id LIMIT %s{lock}",  # noqa: S608
            [size],
        )
        notes = cursor.fetchall()
    if not notes:
        return 0
    rows = Ticket.objects.filter(pk__in=[pk for pk, _ in notes]).values_list(
        "pk",
        "title",
        "description",
        "result",
        "customer__name",
        "customer__account_number",
        "centre_id",
        "department_id",
    )
    documents = [
        (
            pk,
            document_terms(
                title=title,
                description=description,
                result=result,
                customer_name=name or "",
                account_number=account or "",
                centre_id=centre,
                department_id=department,
            ),
        )
        for pk, title, description, result, name, account, centre, department in rows
    ]
    _store(documents)
    _remove({pk for pk, _ in notes} - {pk for pk, _ in documents})
    with connection.cursor() as cursor:
        # A note made again meanwhile has a new mark and stays for the next round.
        cursor.executemany(
            f"DELETE FROM {PENDING} WHERE ticket_id = %s AND mark = %s",  # noqa: S608
            notes,
        )
    return len(notes)


def search_index_catch_up(*, limit: int | None = None) -> int:
    """Index the orders noted as changed, `limit` at most (all without one); how many."""
    done = 0
    while limit is None or done < limit:
        size = BATCH if limit is None else min(BATCH, limit - done)
        indexed = _catch_up_batch(size)
        done += indexed
        if indexed < size:
            break
    return done


def _groups(words: Sequence[str]) -> list[list[str]]:
    """Each word's alternatives: the word whole, or all of its parts where they cover it
    (电费 and 查询 for 电费查询: an order indexed in other pieces of context)."""
    groups = []
    for word in words:
        parts = word_parts(word)
        covered = {
            i for part in parts for s in _starts(word, part) for i in range(s, s + len(part))
        }
        groups.append([word, *([" ".join(parts)] if len(covered) == len(word) else [])])
    return groups


def _starts(word: str, part: str) -> list[int]:
    return [i for i in range(len(word) - len(part) + 1) if word.startswith(part, i)]


def _expression(groups: Sequence[Sequence[str]]) -> str:
    """Every group, each satisfied by any of its alternatives, in the engine's language
    (an alternative of several terms asks for them all). Terms are letters and digits
    only, so quoting them is safe."""
    every, some, quote = (" & ", " | ", "'") if _postgres() else (" AND ", " OR ", '"')

    def alternative(terms: str) -> str:
        return "(" + every.join(f"{quote}{term}{quote}" for term in terms.split()) + ")"

    return every.join("(" + some.join(map(alternative, group)) + ")" for group in groups)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass(frozen=True)
class Found:
    """What a search found: the orders (unordered, for the caller to sort and page) and
    how to count them, `count_upto(limit)` counting no further than `limit`."""

    tickets: QuerySet[Ticket]
    count_upto: Callable[[int], int]


@dataclass(frozen=True)
class _Query:
    """One search's pieces of SQL."""

    expression: str  # the words, in the engine's language
    scoped: str  # the same, within where the user looks (the SCOPE terms)
    words: list[str]

    def indexed(self, *, scoped: bool) -> tuple[str, list[object]]:
        """Ids of the indexed orders that match, orders noted as changed left out."""
        if _postgres():
            # The words as a literal, not a parameter: the statement runs again and again
            # with other words, and once psycopg prepares it, PostgreSQL's generic plan
            # cannot know how common a word is. It then reads a word in half the orders
            # through the index (12 ms at 100,000 orders) where a plan made for the word
            # scans and stops at the limit (1 ms). (The words are letters and digits only.)
            terms = Literal(self.scoped if scoped else self.expression).as_string(None)
            sql = (
                f"SELECT ticket_id FROM {PG_TABLE} WHERE terms @@ {terms}::tsquery "  # noqa: S608
                f"AND ticket_id NOT IN (SELECT ticket_id FROM {PENDING})"
            )
            return sql, []
        sql = (
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608
            f"AND rowid NOT IN (SELECT ticket_id FROM {PENDING})"
        )
        return sql, [self.scoped if scoped else self.expression]

    def noted(self) -> tuple[str, list[object]]:
        """Ids of the orders noted as changed whose current text holds every word."""
        columns = ("t.title", "t.description", "t.result", "c.name", "c.account_number")
        holds = " OR ".join(f"{column} LIKE %s ESCAPE '\\'" for column in columns)
        # CROSS JOIN: SQLite then reads the few notes first, not every order.
        sql = (
            f"SELECT t.id FROM {PENDING} p CROSS JOIN tickets_ticket t "  # noqa: S608
            "CROSS JOIN customers_customer c WHERE t.id = p.ticket_id "
            "AND c.id = t.customer_id AND " + " AND ".join(f"({holds})" for _ in self.words)
        )
        return sql, [_like(word) for word in self.words for _ in columns]

    def probe(self) -> tuple[str, list[object]]:
        """Whether the order at hand (tickets_ticket) is indexed as matching: one order's
        index entry, read by its key."""
        if _postgres():
            # A scalar subquery, not EXISTS: PostgreSQL would hash every match first.
            sql = (
                f"COALESCE((SELECT d.terms @@ %s::tsquery FROM {PG_TABLE} d "  # noqa: S608
                "WHERE d.ticket_id = tickets_ticket.id), false)"
            )
        else:
            sql = (
                f"EXISTS (SELECT 1 FROM {FTS_TABLE} f WHERE f.{FTS_TABLE} MATCH %s "  # noqa: S608
                "AND f.rowid = tickets_ticket.id)"
            )
        return sql, [self.expression]


def _ids(sql: str, params: Sequence[Any], limit: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT %s", [*params, limit])
        return [row[0] for row in cursor.fetchall()]


def _count(sql: str, params: Sequence[Any], limit: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql} LIMIT %s) AS found", [*params, limit])  # noqa: S608
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _within(tickets: QuerySet[Ticket], sql: str, params: Sequence[object]) -> QuerySet[Ticket]:
    """Those of `tickets` whose id is among `sql`: a query, or a list of ids."""
    return tickets.filter(pk__in=RawSQL(sql, list(params)))  # noqa: S611 - values bound


def _named(text: str) -> tuple[str, list[object]]:
    """Ids of the orders whose number is `text`, or whose customer is named so."""
    sql = (
        "SELECT n.id FROM tickets_ticket n WHERE n.number = %s UNION ALL "
        "SELECT t.id FROM customers_customer c JOIN tickets_ticket t ON t.customer_id = c.id "
        "WHERE c.name = %s"
    )
    return sql, [text.upper(), text]


def matching(
    tickets: QuerySet[Ticket],
    text: str,
    *,
    centre_id: int | None = None,
    department_id: int | None = None,
    narrowed: bool = True,
) -> Found:
    """Those of `tickets` (already limited to what the user may see) whose number is
    `text`, whose customer is named `text`, or whose title, description, result or
    customer's name or account number hold every word of `text`.

    `centre_id` and `department_id` say where the user looks (their centre unless they
    see every centre; a department when they see one department's orders, or asked for
    one): the index then finds and counts the matches there by itself. `narrowed`: the
    list has other filters too (a state, dates…), which only the orders themselves can
    tell; the count then reads the orders.
    """
    text = text.strip()
    words = [word for word in query_words(text) if _text_term(word)][:MAX_WORDS]
    named_sql, named_params = _named(text)
    if not words:  # a number or a name: the index has no part in it
        found = _within(tickets, named_sql, named_params)
        return Found(found, lambda limit: found.order_by()[:limit].count())
    expression = _expression(_groups(words))
    # A department is within one centre: its term alone says it (one list fewer to
    # intersect). Without one, the centre's term, if any.
    scope = scope_terms(centre_id=None if department_id else centre_id, department_id=department_id)
    if department_id is None:
        scope = scope[:-1]
    joiner, quote = (" & ", "'") if _postgres() else (" AND ", '"')
    scoped = joiner.join([f"({expression})", *(f"{quote}{term}{quote}" for term in scope)])
    query = _Query(expression=expression, scoped=scoped, words=words)
    indexed_sql, indexed_params = query.indexed(scoped=True)
    noted_sql, noted_params = query.noted()

    others_sql = f"{named_sql} UNION ALL {noted_sql}"
    others_params = [*named_params, *noted_params]
    # The named and noted orders, wherever they are: mostly none, rarely many. Asked
    # with whether any order is noted (-1, never an order's id): the notes are indexed
    # first, a few hundred at most, and the question asked again.
    anywhere = _ids(
        f"SELECT -1 WHERE EXISTS (SELECT 1 FROM {PENDING}) UNION ALL {others_sql}",  # noqa: S608
        others_params,
        OTHERS + 2,
    )
    if -1 in anywhere:
        search_index_catch_up(limit=CATCH_UP_AT_SEARCH)
        anywhere = _ids(others_sql, others_params, OTHERS + 1)
    if len(anywhere) <= OTHERS:
        others_sql = ", ".join("%s" for _ in anywhere) or "NULL"
        others_params = list(anywhere)

    def visible_ids(limit: int) -> tuple[set[int], list[int]]:
        """The matches the user may see, `limit` of each kind at most: the index's, by
        its scope terms; the named and the noted orders', read through `tickets`."""
        indexed = set(_ids(indexed_sql, indexed_params, limit))
        if not others_params:
            return indexed, []
        others = _within(tickets, others_sql, others_params).order_by()
        return indexed, list(others.values_list("pk", flat=True)[:limit])

    def counted_on_orders(limit: int) -> int:
        within = _within(tickets, indexed_sql, indexed_params)
        if others_params:
            within |= _within(tickets, others_sql, others_params)
        return within.order_by()[:limit].count()

    indexed, others = visible_ids(COMMON + 1)
    few = indexed | set(others)
    if len(indexed) <= COMMON and len(others) <= COMMON:
        # A few: the orders themselves, by key; counted exactly.
        found = tickets.filter(pk__in=few) if few else tickets.none()
        if narrowed:
            return Found(found, lambda limit: found.order_by()[:limit].count())
        return Found(found, lambda limit: min(len(few), limit))

    # Many: walked newest first, each order asked.
    probe_sql, probe_params = query.probe()
    # How many match anywhere (one term's list, cheaper to read than within the scope):
    # the share of orders a walk finds matching.
    anywhere_sql, anywhere_params = query.indexed(scoped=False)
    if not _postgres() and _count(anywhere_sql, anywhere_params, MATERIALIZE + 1) <= MATERIALIZE:
        # Read once into a set ("+" keeps SQLite walking the orders rather than reading
        # the matches by key).
        probe_sql, probe_params = f"+tickets_ticket.id IN ({indexed_sql})", indexed_params
    else:
        probe_sql = (
            f"({probe_sql} AND NOT EXISTS (SELECT 1 FROM {PENDING} n "  # noqa: S608
            "WHERE n.ticket_id = tickets_ticket.id))"
        )
    where = f"{probe_sql} OR tickets_ticket.id IN ({others_sql})"
    found = tickets.extra(where=[where], params=[*probe_params, *others_params])  # noqa: S610

    def count_upto(limit: int) -> int:
        if narrowed:
            return counted_on_orders(limit)
        if limit <= len(few):
            return limit
        indexed, others = visible_ids(limit)
        return min(len(indexed | set(others)), limit)

    return Found(found, count_upto)
