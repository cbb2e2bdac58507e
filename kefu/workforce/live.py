"""The demo centre's live calls with the agents keeping the rota: the worker's minute
feed (`kefu.telephony.demo.live_feed`) told who is on shift and who on a break now, at
the volume the rota was planned for."""

from __future__ import annotations

import datetime as dt
import time

from kefu.core.models import OrgUnit
from kefu.telephony import demo
from kefu.workforce.demo import demo_calls_per_day
from kefu.workforce.models import StaffMember
from kefu.workforce.queries.attendance import on_duty_now

LIVE_FEED = "kefu.workforce.live.live_feed"


def live_feed(centre_id: int, *, now: float | None = None, window: int = demo.LIVE_WINDOW) -> int:
    """One run of the demo's live feed; without a published rota for today the feed
    keeps its own day."""
    now = time.time() if now is None else now
    centre = OrgUnit.objects.get(pk=centre_id)
    duty = on_duty_now(centre, dt.datetime.fromtimestamp(now, tz=dt.UTC))
    calls = demo_calls_per_day(StaffMember.objects.filter(centre=centre).count())
    return demo.live_feed(
        centre_id, now=now, window=window, on_duty=duty, calls_per_day=calls or None
    )
