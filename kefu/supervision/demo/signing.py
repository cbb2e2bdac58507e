"""The demo centre's signed minutes (002 第14篇 全体员工 3: 交与会者签名确认后存档备查):
every attendee has signed the minutes of the earlier meetings; the latest meeting's are
being signed (half the attendees so far). Loaded once, through the service."""

from __future__ import annotations

from kefu.core.models import OrgUnit
from kefu.supervision.models import Meeting, MinutesSignature
from kefu.supervision.services.signing import minutes_sign


def load_signing(centre: OrgUnit) -> int:
    """Returns the signatures written (0 when the demo has them already)."""
    if MinutesSignature.objects.filter(meeting__centre=centre).exists():
        return 0
    written = 0
    meetings = list(Meeting.objects.filter(centre=centre).exclude(minutes="").order_by("-held_on"))
    for n, meeting in enumerate(meetings):
        attendees = list(meeting.attendees.order_by("pk"))
        signing = attendees if n > 0 else attendees[: len(attendees) // 2]
        for person in signing:
            minutes_sign(actor=person, meeting=meeting)
            written += 1
    return written
