"""The demo's call-reason model (issue 21 point 2): the demo centre's contacts as agents
write them, then a model trained on them at `kefu demo` time.

The demo's notes (kefu/core/demo_content.py) are whole sentences from a few templates per
reason, each reason with its own few phrasings of the customer's ask: a model learns them
by heart and scores 100 %, which says nothing. Agents' real notes are not like that: they
shorten, leave out the ask or the reply, write a bare "已解答". `agent_note` makes the
demo's notes so, and `load_reasons` rewrites a share of the demo centre's summaries with it
before training, so the figures on the model page are ones a centre would see.
"""

from __future__ import annotations

import random

from kefu.contacts.models import Contact
from kefu.core.errors import Invalid
from kefu.core.models import OrgUnit
from kefu.insights.demo.notes import agent_note
from kefu.insights.models import ReasonModel
from kefu.insights.services.reasons import reason_model_train

# About half the notes rewritten (agent_note keeps the rest whole).
SEED = 2126
# The newest contacts the demo's model learns from: enough for every reason (the figures
# barely move beyond), and seconds, not minutes, added to `kefu demo`.
DEMO_TRAINING_CONTACTS = 10_000


def load_reasons(centre: OrgUnit) -> ReasonModel | None:
    """The demo centre's notes as agents write them, then its first model (none when the
    demo was asked for too few contacts to learn from)."""
    rng = random.Random(SEED)  # noqa: S311 (demo data, not secrets)
    contacts = list(
        Contact.objects.filter(centre=centre).only("pk", "summary", "settled").order_by("pk")
    )
    changed = []
    for contact in contacts:
        note = agent_note(rng, contact.summary, settled=contact.settled)
        if note != contact.summary:
            contact.summary = note
            changed.append(contact)
    Contact.objects.bulk_update(changed, ["summary"], batch_size=1000)
    try:
        return reason_model_train(actor=None, centre_id=centre.pk, limit=DEMO_TRAINING_CONTACTS)
    except Invalid:
        return None
