"""What each automatic check's rule family is called on the pages and in the scorecard
editor (the families of `kefu.quality.checks`). Pure."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

RULE_NAMES: dict[str, Promise] = {
    "greeting_missing": _("Greeting missing"),
    "closing_missing": _("Closing missing"),
    "forbidden_phrase": _("Forbidden phrase"),
    "silence": _("Long silence"),
    "hold_no_ask": _("Hold without asking"),
    "hold_no_thanks": _("No thanks after a hold"),
    "interruption": _("Interrupting the customer"),
    "speech_rate": _("Speaking too fast"),
    "anger_no_apology": _("Upset customer without an apology"),
}
