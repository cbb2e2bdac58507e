from django.db import migrations

# The work-order search's own tables (kefu/tickets/search.py), for the database in use:
# the terms (an FTS5 table on SQLite, a tsvector with a GIN index on PostgreSQL), and the
# orders whose searched text changed since they were indexed. Triggers fill the second;
# they are made after every migrate (search.triggers_ensure), since SQLite drops a table's
# triggers when a later migration rebuilds the table. Every order there is waits for its
# first indexing.
SQLITE = [
    "CREATE VIRTUAL TABLE tickets_search_fts USING fts5("
    "terms, tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE TABLE tickets_search_pending (ticket_id integer PRIMARY KEY, mark integer NOT NULL)",
    "INSERT INTO tickets_search_pending (ticket_id, mark) SELECT id, 0 FROM tickets_ticket",
]
POSTGRES = [
    "CREATE TABLE tickets_search_document (ticket_id bigint PRIMARY KEY, terms tsvector NOT NULL)",
    "CREATE INDEX tickets_search_document_terms ON tickets_search_document USING gin (terms)",
    "CREATE TABLE tickets_search_pending (ticket_id bigint PRIMARY KEY, mark bigint NOT NULL)",
    "INSERT INTO tickets_search_pending (ticket_id, mark) SELECT id, 0 FROM tickets_ticket",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS tickets_search_customer",
    "DROP TRIGGER IF EXISTS tickets_search_delete",
    "DROP TRIGGER IF EXISTS tickets_search_update",
    "DROP TRIGGER IF EXISTS tickets_search_insert",
    "DROP TABLE tickets_search_pending",
    "DROP TABLE tickets_search_fts",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS tickets_search_customer ON customers_customer",
    "DROP TRIGGER IF EXISTS tickets_search_ticket ON tickets_ticket",
    "DROP FUNCTION IF EXISTS tickets_search_customer_changed()",
    "DROP FUNCTION IF EXISTS tickets_search_ticket_changed()",
    "DROP FUNCTION IF EXISTS tickets_search_note(bigint)",
    "DROP TABLE tickets_search_pending",
    "DROP TABLE tickets_search_document",
]


def create(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES if postgres else SQLITE:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES_DROP if postgres else SQLITE_DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0006_documents_and_watch_list"),
        ("tickets", "0012_action_choices_of_both_steps"),
    ]

    operations = [migrations.RunPython(create, drop)]
