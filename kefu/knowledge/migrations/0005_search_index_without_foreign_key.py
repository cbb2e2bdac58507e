from django.db import migrations


# The engine's table is not a Django model, so a flush (the test runner's between
# transactional tests) cannot truncate it together with the articles it would reference.
# The index services remove an article's row themselves.
def drop_foreign_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE knowledge_pg_document "
            "DROP CONSTRAINT IF EXISTS knowledge_pg_document_article_id_fkey"
        )


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0004_attachments")]

    operations = [migrations.RunPython(drop_foreign_key, migrations.RunPython.noop)]
