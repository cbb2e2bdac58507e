"""The hotline the simulator plays: its day (calls by hour, weekends), its agents' shifts
and breaks, its callers and calls, and how many calls a day keep a team of agents busy."""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Relative call volume by local hour on a working day.
HOURLY_PROFILE: tuple[float, ...] = (
    0.08, 0.05, 0.03, 0.03, 0.03, 0.05, 0.15, 0.6,  # 00-07
    4.0, 8.0, 9.0, 7.5, 4.5, 5.5, 7.5, 8.0,  # 08-15
    7.5, 5.5, 3.5, 3.0, 2.5, 2.0, 0.5, 0.2,  # 16-23
)  # fmt: skip
WEEKEND_CALLS = 0.6
WORK_PROBABILITY = (0.88, 0.53)  # weekday, weekend

_H = 3600
#: Shifts in seconds of the local day: login, logout, and the breaks, each as the
#: window its start falls in, its reason and its length range. Breaks keep clear of
#: the morning peak and of the evening, when one shift carries the hotline alone.
SHIFTS: tuple[tuple[int, int, tuple[tuple[int, int, str, int, int], ...]], ...] = (
    (8 * _H, 17 * _H, (
        (11 * _H + 1800, 12 * _H + 1800, "LUNCH", 1800, 3600),
        (15 * _H, 15 * _H + 2700, "BREAK", 600, 900),
    )),
    (9 * _H, 18 * _H, (
        (12 * _H, 13 * _H, "LUNCH", 1800, 3600),
        (15 * _H + 1800, 16 * _H + 900, "BREAK", 600, 900),
    )),
    (10 * _H, 19 * _H, (
        (12 * _H + 1800, 13 * _H + 1800, "LUNCH", 1800, 3600),
        (15 * _H, 16 * _H + 1800, "BREAK", 600, 900),
    )),
    (13 * _H, 22 * _H, (
        (15 * _H, 16 * _H, "BREAK", 600, 900),
        (17 * _H, 18 * _H, "DINNER", 1800, 3600),
    )),
)  # fmt: skip
# Sized to the profile: the early shift alone takes 08:00, the evening one 19:00-22:00.
SHIFT_WEIGHTS = (0.34, 0.31, 0.08, 0.27)
MEETING_SHARE = 0.08

# How agents keep a rota's shift: shares and minutes.
NO_SHOW_SHARE = 0.03
LATE_SHARE = 0.08
LATE_MINUTES = (3, 20)
EARLY_LEAVE_SHARE = 0.05
EARLY_LEAVE_MINUTES = (5, 30)


@dataclass(frozen=True)
class PlannedShift:
    """An agent's shift from the rota: log-in and log-off as epoch seconds, its breaks as
    (start, end, reason), and the queues the agent takes (their skills; empty: the
    simulator's own choice)."""

    agent: str
    start: int
    end: int
    breaks: tuple[tuple[int, int, str], ...] = ()
    queues: tuple[str, ...] = ()


QUEUE_TIMEOUT = 300
RING_TIMEOUT = 15
RETRY = 5
MEAN_PATIENCE = 60.0
# Hardly anyone hangs up during the greeting; patience is exponential after it.
PATIENCE_FLOOR = 8.0
TALK_MEDIAN = 180.0
TALK_SIGMA = 0.6
ACW_RANGE = (5, 60)
RING_RANGE = (2, 8)
NO_ANSWER_SHARE = 0.04
TRANSFER_SHARE = 0.065
ATTENDED_SHARE = 0.2  # of transfers
AGENT_HANGS_UP_SHARE = 0.35
EXIT_KEY_SHARE = 0.004
REPEAT_CALLER_SHARE = 0.12
TARGET_OCCUPANCY = 0.85  # planned; abandons and shift edges bring it to about 0.8

MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "166", "170", "173", "175", "176", "177", "178",
    "180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
    "191", "198", "199",
)  # fmt: skip
TRANSFER_TARGETS = (("8001", "from-internal"), ("8002", "from-internal"), ("6100", "ivr-survey"))


def _talk_mean() -> float:
    return TALK_MEDIAN * math.exp(TALK_SIGMA**2 / 2)


def mean_handle_seconds() -> float:
    """A call's mean time with an agent: ringing, talk and after-call work."""
    return (sum(RING_RANGE) / 2) + _talk_mean() + (sum(ACW_RANGE) / 2)


def queue_shares(count: int) -> list[float]:
    """Each queue's share of the calls, in the order given: 1, 1/2, 1/3… normalised."""
    weights = [1.0 / (i + 1) for i in range(count)]
    return [weight / sum(weights) for weight in weights]


def default_calls_per_day(agents: int) -> int:
    """Weekday calls that keep the agents on shift at the 10:00 peak 75-85 % busy.

    The target is set a little above that because callers who give up, and the
    minutes lost to logging in and out, take load off the agents.
    """
    if agents <= 0:
        return 0
    peak_hour = 10 * 3600 + 1800
    on_shift = sum(
        w for (a, b, _), w in zip(SHIFTS, SHIFT_WEIGHTS, strict=True) if a <= peak_hour < b
    )
    # The odd meeting or late break takes a few percent of the morning.
    available = agents * WORK_PROBABILITY[0] * on_shift * 0.97
    peak_calls = TARGET_OCCUPANCY * available * 3600 / mean_handle_seconds()
    share = max(HOURLY_PROFILE) / sum(HOURLY_PROFILE)
    return round(peak_calls / share)
