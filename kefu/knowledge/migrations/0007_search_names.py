from django.db import migrations


# The articles' names (title with the ways callers ask, and tags) kept apart for the
# engines to ask first (see kefu/knowledge/engines.py). SQLite copies them from the FTS
# table it has; PostgreSQL keeps only weighted counts there, so it indexes anew.
def names_tables(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE knowledge_pg_document "
            "ADD COLUMN title text NOT NULL DEFAULT '', "
            "ADD COLUMN tags text NOT NULL DEFAULT '', "
            "ADD COLUMN names tsvector NOT NULL DEFAULT ''::tsvector"
        )
        schema_editor.execute(
            "CREATE INDEX knowledge_pg_document_names ON knowledge_pg_document USING gin (names)"
        )
        if apps.get_model("knowledge", "Article").objects.exists():
            from kefu.knowledge.services import search_index_rebuild

            search_index_rebuild()
    else:
        schema_editor.execute(
            "CREATE VIRTUAL TABLE knowledge_fts_names USING fts5("
            "title, tags, tokenize = 'unicode61 remove_diacritics 0')"
        )
        schema_editor.execute(
            "INSERT INTO knowledge_fts_names (rowid, title, tags) "
            "SELECT rowid, title, tags FROM knowledge_fts"
        )


def drop_names_tables(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE knowledge_pg_document "
            "DROP COLUMN title, DROP COLUMN tags, DROP COLUMN names"
        )
    else:
        schema_editor.execute("DROP TABLE knowledge_fts_names")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0006_article_questions")]

    operations = [migrations.RunPython(names_tables, drop_names_tables)]
