"""When a message to a customer may go, pure: the quiet hours, the marketing window of
China's SMS rules, the caps, and the replies that unsubscribe.

China's cloud SMS providers publish the rules a sender keeps: marketing messages only
between 08:00 and 22:00, a limit of messages to one number, and an unsubscribe reply
(回T退订) honoured at once. A centre's own quiet hours apply to every message it sends on
its own initiative."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable

#: Marketing (care and thanks) may reach a phone only in this window, local time.
MARKETING_FROM = dt.time(8, 0)
MARKETING_UNTIL = dt.time(22, 0)

#: Replies that unsubscribe, after folding width and case and dropping punctuation: what
#: the providers' unsubscribe footers ask for (回T退订, 回TD退订, 回N退订) and what
#: customers write.
UNSUBSCRIBE_REPLIES = frozenset({"T", "TD", "N", "退订", "退定", "取消订阅", "不要再发", "拒收"})


def _quiet(moment: dt.time, start: dt.time, end: dt.time) -> bool:
    """Whether a time of day lies in [start, end), a window that may cross midnight."""
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def send_time(
    wanted: dt.datetime, *, quiet_from: dt.time, quiet_until: dt.time, marketing: bool
) -> dt.datetime:
    """The first moment at or after `wanted` (a local, aware time) outside the quiet hours,
    and for marketing also inside 08:00-22:00. A message due in the quiet hours waits for
    their end, the same night's or the next morning's."""
    moment = wanted
    for _ in range(3):  # at most: the quiet hours' end, then the marketing window's start
        windows = [(quiet_from, quiet_until)]
        if marketing:
            windows.append((MARKETING_UNTIL, MARKETING_FROM))
        blocked = [(start, end) for start, end in windows if _quiet(moment.time(), start, end)]
        if not blocked:
            return moment
        end = blocked[0][1]
        day = moment.date()
        if moment.time() >= end:  # the window runs past midnight: it ends tomorrow
            day += dt.timedelta(days=1)
        moment = dt.datetime.combine(day, end, tzinfo=moment.tzinfo)
    return moment


def under_cap(earlier: Iterable[dt.datetime], at: dt.datetime, *, limit: int, days: int) -> bool:
    """Whether one more within `days` days before `at` stays within `limit` (0: none)."""
    since = at - dt.timedelta(days=days)
    return sum(1 for moment in earlier if since < moment <= at) < limit


def unsubscribes(text: str) -> bool:
    """Whether a reply asks to unsubscribe: 'T', 'td', '退订', '退订！' and the like."""
    folded = unicodedata.normalize("NFKC", text).strip().upper()
    bare = "".join(ch for ch in folded if not unicodedata.category(ch).startswith(("P", "Z")))
    return bare in UNSUBSCRIBE_REPLIES
