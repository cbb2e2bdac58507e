from django.db import migrations

# The work-order search's terms also say where an order is seen (search.scope_terms): its
# centre and its department, so the index finds and counts a user's matches by itself.
# Orders already indexed get theirs here; the triggers, made again after migrate
# (search.triggers_ensure), now also note a change of centre or department.
SQLITE = [
    "UPDATE tickets_search_fts SET terms = terms || (SELECT ' zzkefuc' || t.centre_id "
    "|| ' zzkefud' || coalesce(t.department_id, 0) FROM tickets_ticket t "
    "WHERE t.id = tickets_search_fts.rowid) "
    "WHERE rowid IN (SELECT id FROM tickets_ticket)",
]
POSTGRES = [
    "UPDATE tickets_search_document d SET terms = d.terms || array_to_tsvector(ARRAY["
    "'zzkefuc' || t.centre_id, 'zzkefud' || coalesce(t.department_id, 0)]) "
    "FROM tickets_ticket t WHERE t.id = d.ticket_id",
]


def scope(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES if postgres else SQLITE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0014_event_time_index")]

    operations = [migrations.RunPython(scope, migrations.RunPython.noop)]
