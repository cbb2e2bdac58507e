"""What each department did with the orders it held over a period, read from the orders'
events: the one count both the supervision's department figures (issue 20 point 3) and the
insights' feedback report to departments (issue 21 point 3) stand on.

Seed 000 第3篇 四.2 puts the departments that take dispatched work (业务接口部门) under the
centre's control as its internal customers: the centre urges them to return on time
(督促接口部门按时回单) and checks the result before the customer hears it; seed 002 第6篇
assesses them on the timeliness of their replies and the number of urges (回复及时性和催单
次数的考核). Counted exactly as the metrics app counts stages (`metrics.queries.
stage_on_time`: a stage late when the deadline sweep marked it overdue):

- ``returned`` 回单: results the department returned (return events while it held the
  order);
- ``returned_on_time`` 按时回单: of those, the ones whose hold had no overdue mark of the
  department's stages (take 接单 and return 回单) since it got the order or its rework;
- ``held_seconds``: the time from getting the order (or its rework) to each return, summed
  over the returns counted (a mean handling time is it over ``returned``);
- ``urges`` 催办: urges of orders while the department held them (dispatched or handling);
- ``refused`` 退单: its returns refused at the centre's verification;
- ``reopened`` 重办: orders it last returned that the customer was not satisfied with at
  the callback, reopened.

An order the department holds is known from the order's own events: the department named
by the last dispatch, transfer, reassignment or field dispatch (tickets.stages), until the
order goes back to the centre.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from kefu.tickets.lifecycle import State
from kefu.tickets.models import TicketEvent
from kefu.tickets.stages import HOLDER_ACTIONS

#: The stages a department owns while it holds an order (tickets.stages.STAGE_OF_STATE).
DEPARTMENT_STAGES = frozenset({"take", "return"})


def department_holds(
    centre_id: int, start: dt.datetime, end: dt.datetime, *, department: str | None = None
) -> dict[str, Counter[str]]:
    """Each department's counts over [start, end), by department code; with `department`
    (a code), only the orders that department ever held are read."""
    counting = {"return", "urge", "reject", "callback"}
    tickets = TicketEvent.objects.filter(
        ticket__centre_id=centre_id,
        at__gte=start,
        at__lt=end,
        action__in=sorted(counting),
    )
    if department is not None:
        tickets = tickets.filter(
            ticket_id__in=TicketEvent.objects.filter(
                ticket__centre_id=centre_id,
                action__in=sorted(HOLDER_ACTIONS),
                data__department=department,
            ).values("ticket_id")
        )
    events = (
        TicketEvent.objects.filter(ticket_id__in=tickets.values("ticket_id").distinct())
        .order_by("ticket_id", "seq")
        .values_list("ticket_id", "at", "action", "from_state", "to_state", "data")
    )
    figures: dict[str, Counter[str]] = defaultdict(Counter)
    current: int | None = None
    holder: str | None = None
    last_returner: str | None = None
    held_since: dt.datetime | None = None
    late = False
    for ticket_id, at, action, from_state, to_state, data in events.iterator(chunk_size=2000):
        if ticket_id != current:
            current, holder, last_returner, late, held_since = ticket_id, None, None, False, None
        data = data or {}
        inside = start <= at < end
        if action in HOLDER_ACTIONS:
            holder = data.get("department")
            late, held_since = False, at
            continue
        if action == "overdue":
            if holder and data.get("stage") in DEPARTMENT_STAGES:
                late = True
            continue
        if action == "urge":
            if inside and holder and from_state in (State.DISPATCHED, State.HANDLING):
                figures[holder]["urges"] += 1
            continue
        if action == "return":
            if holder:
                last_returner = holder
                if inside:
                    figures[holder]["returned"] += 1
                    if not late:
                        figures[holder]["returned_on_time"] += 1
                    if held_since is not None:
                        figures[holder]["held_seconds"] += int((at - held_since).total_seconds())
            else:
                last_returner = None
            late = False
            continue
        if action == "reject":
            if inside and last_returner:
                figures[last_returner]["refused"] += 1
            late, held_since = False, at
            continue
        if action == "callback" and data.get("satisfied") is False and inside and last_returner:
            figures[last_returner]["reopened"] += 1
        if to_state == State.ACCEPTED:
            holder, late, held_since = None, False, None
    return figures
