"""A synthetic Asterisk queue_log for a Chinese customer-service hotline (pure Python).

A discrete-event simulation, deterministic for a seed, that writes what app_queue
would write for a day-shift hotline: arrivals following the hotline's day (quiet at
night, peaks around 09:00-11:00 and 14:00-17:00, fewer calls at weekends), agents
on shifts serving one to three queues, breaks and after-call work as pauses, callers
who give up, ring-no-answers, transfers. It feeds tests, demos and the ingestion
benchmark; the layouts are those :mod:`kefu.telephony.queue_log` reads.

Conventions, as app_queue has them:

* call ids are channel uniqueids ("epoch.sequence"), agents are member names;
* a pause without a queue is logged as PAUSEALL (no queue) then PAUSE in each of
  the agent's queues, and likewise UNPAUSEALL / UNPAUSE; after-call work is a pause
  with reason ``ACW``;
* members join and leave through the manager interface: ADDMEMBER / REMOVEMEMBER
  with call id ``MANAGER``, one line per queue;
* every queue has ``joinempty=yes, leavewhenempty=yes``: a caller who finds no agent
  logged in leaves a second later with EXITEMPTY, and so do the callers still
  waiting when the last agent of a queue logs off;
* the queue timeout is 300 s, the ring timeout 15 s, the retry after a ring that
  was not answered 5 s.

When the centre has a rota, the agents follow it (``shifts``): on a day with planned
shifts, each agent logs in at their shift's start, pauses for its breaks and logs off at
its end, with a little of real life: most come a few minutes early, some are late, a
few leave early or stay on, the odd one does not come at all. Days without planned
shifts keep the simulator's own day.
"""

from kefu.telephony.simulator.output import main, simulate, write
from kefu.telephony.simulator.profile import (
    HOURLY_PROFILE,
    TARGET_OCCUPANCY,
    WEEKEND_CALLS,
    PlannedShift,
    default_calls_per_day,
    mean_handle_seconds,
    queue_shares,
)

__all__ = [
    "HOURLY_PROFILE",
    "TARGET_OCCUPANCY",
    "WEEKEND_CALLS",
    "PlannedShift",
    "default_calls_per_day",
    "main",
    "mean_handle_seconds",
    "queue_shares",
    "simulate",
    "write",
]
