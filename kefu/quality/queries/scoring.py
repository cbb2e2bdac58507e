"""What the inspector's scoring page shows of a contact (issue 18 point 3): the contact,
its calls as the telephone platform recorded them (with the recording's link where the
platform serves one), the work orders it opened, its transcript with the automatic
checks' hits marked on their sentences, and the answers those checks pre-fill."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext

from kefu.contacts.models import Contact
from kefu.core.models import User
from kefu.quality import checks, scoring
from kefu.quality.models import Answer, ScorecardVersion, Transcript
from kefu.quality.rule_names import RULE_NAMES
from kefu.telephony.models import Call
from kefu.tickets.models import Ticket
from kefu.tickets.queries import tickets_visible_to


@dataclass(frozen=True)
class Line:
    """One transcript sentence and the hits on it."""

    index: int
    speaker: str
    start: float
    end: float
    text: str
    hits: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Evidence:
    calls: list[tuple[Call, str]]  # each call with its recording's link ("" without)
    tickets: list[Ticket]
    transcript: Transcript | None
    lines: list[Line]
    families: set[str]


def recording_url(call: Call) -> str:
    template = settings.KEFU_RECORDING_URL
    return template.replace("{call_id}", call.call_id) if template and call.call_id else ""


def found_text(hit: dict[str, Any]) -> str:
    """What a hit found, as a person reads it: the phrase, or the seconds of silence or
    overlap, or the characters a minute."""
    detail = str(hit.get("detail") or "")
    if not detail:
        return ""
    if hit.get("rule") in {"silence", "interruption"}:
        return gettext("%(seconds)s s") % {"seconds": detail}
    if hit.get("rule") == "speech_rate":
        return gettext("%(rate)s characters a minute") % {"rate": detail}
    return detail


def transcript_of(contact: Contact) -> Transcript | None:
    return Transcript.objects.filter(contact=contact).first()


def evidence(user: User, contact: Contact) -> Evidence:
    calls = list(
        Call.objects.filter(contact=contact).select_related("queue", "agent").order_by("entered_at")
    )
    tickets = list(tickets_visible_to(user).filter(contacts=contact).order_by("created_at")[:10])
    transcript = transcript_of(contact)
    lines: list[Line] = []
    families: set[str] = set()
    if transcript is not None:
        by_sentence: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for hit in transcript.hits:
            shown = {**hit, "name": RULE_NAMES.get(hit["rule"], ""), "found": found_text(hit)}
            by_sentence[hit["sentence"]].append(shown)
            families.add(hit["rule"])
        lines = [
            Line(
                index=index,
                speaker=sentence["speaker"],
                start=sentence["start"],
                end=sentence["end"],
                text=sentence["text"],
                hits=by_sentence.get(index, []),
            )
            for index, sentence in enumerate(transcript.sentences.get("sentences", []))
        ]
    return Evidence(
        calls=[(call, recording_url(call)) for call in calls],
        tickets=tickets,
        transcript=transcript,
        lines=lines,
        families=families,
    )


def prefilled(version: ScorecardVersion, found: Evidence) -> dict[int, str]:
    """The answers the automatic checks give on ``version`` (none without a transcript)."""
    if found.transcript is None:
        return {}
    auto = {
        item.pk: item.auto_check
        for section in version.sections.all()
        for item in section.items.all()
        if item.auto_check in checks.FAMILIES
    }
    return scoring.prefill(auto, found.families)


def answers_of(answers: QuerySet[Answer]) -> dict[int, tuple[str, str]]:
    return {answer.item_id: (answer.value, answer.comment) for answer in answers}
