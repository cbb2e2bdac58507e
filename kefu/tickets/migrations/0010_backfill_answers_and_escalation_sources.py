"""Orders opened before the answer promise existed: owed an answer since they were
created, answered at their first reply. Escalations recorded with a free-text source:
named by the source they spoke of (an outside body), `internal` when none was given."""

from django.db import migrations
from django.db.models import F, Min, OuterRef, Subquery

# Words of the old free text, and the source each names.
OUTSIDE = [
    ("12398", "regulator"),
    ("监管", "regulator"),
    ("12345", "hotline_12345"),
    ("12315", "consumer_association"),
    ("消协", "consumer_association"),
    ("消费者协会", "consumer_association"),
    ("媒体", "media"),
    ("记者", "media"),
    ("报社", "media"),
    ("电视", "media"),
    ("领导", "management"),
    ("上级", "management"),
]
KNOWN = {
    "regulator",
    "hotline_12345",
    "consumer_association",
    "management",
    "media",
    "other_external",
    "internal",
    "urge",
}


def source_of(text: str) -> str:
    text = (text or "").strip()
    if text in KNOWN:
        return text
    if not text or text == "centre":
        return "internal"
    return next((source for word, source in OUTSIDE if word in text), "other_external")


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    Ticket = apps.get_model("tickets", "Ticket")
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    first_reply = (
        TicketEvent.objects.filter(ticket_id=OuterRef("pk"), action="reply")
        .values("ticket_id")
        .annotate(at=Min("at"))
        .values("at")
    )
    Ticket.objects.update(answer_started_at=F("created_at"), answered_at=Subquery(first_reply))
    for event in TicketEvent.objects.filter(action="escalate").iterator():
        data = dict(event.data or {})
        source = source_of(str(data.get("source", "")))
        if data.get("source") != source:
            if data.get("source") not in (None, "", "centre"):
                data["source_text"] = data.get("source")
            data["source"] = source
            TicketEvent.objects.filter(pk=event.pk).update(data=data)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0009_answer_promise_and_expert_steps")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
