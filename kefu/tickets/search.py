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
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from kefu.core.fulltext import index_terms, normalize, query_words, word_parts
from kefu.tickets.models import Ticket

FTS_TABLE = "tickets_search_fts"
PG_TABLE = "tickets_search_document"
PENDING = "tickets_search_pending"
# Notes indexed before a search at most; the worker takes the rest (bulk changes).
CATCH_UP_AT_SEARCH = 300
BATCH = 500
# Above this many matches SQLite walks the orders newest first instead (`matching`).
COMMON = 2000
# At most this many words of a query take part: beyond that it is a paragraph.
MAX_WORDS = 8

SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS tickets_search_insert AFTER INSERT ON tickets_ticket BEGIN "
    "INSERT OR REPLACE INTO tickets_search_pending (ticket_id, mark) "
    "VALUES (new.id, random()); END",
    "CREATE TRIGGER IF NOT EXISTS tickets_search_update "
    "AFTER UPDATE OF title, description, result, customer_id ON tickets_ticket "
    "WHEN old.title IS NOT new.title OR old.description IS NOT new.description "
    "OR old.result IS NOT new.result OR old.customer_id IS NOT new.customer_id BEGIN "
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
                OR NEW.customer_id IS DISTINCT FROM OLD.customer_id THEN
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
    "AFTER INSERT OR DELETE OR UPDATE OF title, description, result, customer_id "
    "ON tickets_ticket FOR EACH ROW EXECUTE FUNCTION tickets_search_ticket_changed()",
    "DROP TRIGGER IF EXISTS tickets_search_customer ON customers_customer",
    "CREATE TRIGGER tickets_search_customer AFTER UPDATE OF name, account_number "
    "ON customers_customer FOR EACH ROW EXECUTE FUNCTION tickets_search_customer_changed()",
]


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def triggers_ensure(using: str = "default") -> None:
    """Make the triggers that note changed orders, where missing: after every migrate,
    since SQLite loses a table's triggers when a migration rebuilds the table."""
    from django.db import connections

    target = connections[using]
    statements = POSTGRES_TRIGGERS if target.vendor == "postgresql" else SQLITE_TRIGGERS
    with transaction.atomic(using=using), target.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def document_terms(
    *, title: str, description: str, result: str, customer_name: str, account_number: str
) -> list[str]:
    """The terms an order is found by, once each. The customer's name also whole, so the
    name as typed finds them however jieba splits it; the account number (户号) as it is."""
    terms = index_terms(" ".join((title, description, result, customer_name)))
    whole_name = "".join(normalize(customer_name).split())
    extra = [whole_name] if 0 < len(whole_name) <= 32 else []
    extra += [normalize(account_number)] if account_number else []
    return list(dict.fromkeys([*terms, *extra]))


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
        "pk", "title", "description", "result", "customer__name", "customer__account_number"
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
            ),
        )
        for pk, title, description, result, name, account in rows
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


def _has_notes() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {PENDING} LIMIT 1")  # noqa: S608
        return cursor.fetchone() is not None


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


def matching(tickets: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    """Those of `tickets` (already limited to what the user may see) whose number is
    `text`, whose customer is named `text`, or whose title, description, result or
    customer's name or account number hold every word of `text`."""
    text = text.strip()
    if _has_notes():
        search_index_catch_up(limit=CATCH_UP_AT_SEARCH)
    words = query_words(text)[:MAX_WORDS]
    parts = [
        "SELECT id FROM tickets_ticket WHERE number = %s",
        "SELECT t.id FROM tickets_ticket t JOIN customers_customer c ON c.id = t.customer_id "
        "WHERE c.name = %s",
    ]
    params: list[object] = [text.upper(), text]
    if words:
        if _postgres():
            parts.append(
                f"SELECT ticket_id FROM {PG_TABLE} WHERE terms @@ %s::tsquery "  # noqa: S608
                f"AND ticket_id NOT IN (SELECT ticket_id FROM {PENDING})"
            )
        else:
            parts.append(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608
                f"AND rowid NOT IN (SELECT ticket_id FROM {PENDING})"
            )
        params.append(_expression(_groups(words)))
        # Orders still noted: their current text, word by word.
        columns = ("t.title", "t.description", "t.result", "c.name", "c.account_number")
        holds = " OR ".join(f"{column} LIKE %s ESCAPE '\\'" for column in columns)
        # CROSS JOIN: SQLite then reads the few notes first, not every order.
        parts.append(
            f"SELECT t.id FROM {PENDING} p CROSS JOIN tickets_ticket t "  # noqa: S608
            "CROSS JOIN customers_customer c WHERE t.id = p.ticket_id "
            "AND c.id = t.customer_id AND " + " AND ".join(f"({holds})" for _ in words)
        )
        params += [_like(word) for word in words for _ in columns]
    union = " UNION ALL ".join(parts)
    if words and not _postgres() and _common(str(params[2])):
        # Thousands of matches: SQLite would fetch and sort them all for a page of 20;
        # walking the orders newest first and asking the matches is cheaper then ("+"
        # keeps it from reading the matches by key instead).
        return tickets.extra(where=[f"+tickets_ticket.id IN ({union})"], params=params)  # noqa: S610
    found = RawSQL(union, params)  # noqa: S611 - every value is bound
    return tickets.filter(Q(pk__in=found))


def _common(expression: str) -> bool:
    """Whether the index holds more than COMMON orders for the expression (SQLite)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608
            "LIMIT %s)",
            [expression, COMMON + 1],
        )
        row = cursor.fetchone()
    return bool(row and row[0] > COMMON)
