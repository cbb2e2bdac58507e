"""Attendance and adherence against the rota, and turnover (pure Python: no ORM).

The figures follow 002 第7篇 (客户服务中心标准), as the metrics app names them:

- 实际工作率 (adherence): "值机员联入系统准备回答电话的实际时间除以值机员按照计划应当回答电话的
  总时间": the time an agent was logged in and ready to answer, within the time the rota
  planned them on the phones, ÷ that planned time. The planned time is each shift minus its
  breaks (paid or not: a break is time off the phones). Ready is logged in and not paused;
  after-call work is part of handling a call (the seed's 平均通话时间 is talk plus 事后处理),
  so it counts as ready, as the metrics app's adherence always did.
- 出勤率 (attendance): "一个班组实际工作的人数除以计划工作的人数": per day, the agents
  scheduled who logged in at all during their shift ÷ the agents scheduled. Over several
  days, agent-shifts are summed.
- 值机员流动率 (turnover): "一月、一季或一年中离开中心的业务员人数在全时工作总人数中的比例":
  the agents who left in the period ÷ the agents on the books in it.

Late log-ins and early log-offs are counted per shift beyond the centre's grace: late when
the agent was not logged in at the shift's start and logged in more than `grace` after
it; early when not logged in at its end and last logged off more than `grace` before it.
An agent who never logged in during the shift is absent, neither late nor early.

Times are aware datetimes; a stretch still open ends at `now`, and nothing after `now` is
counted (a shift still running is judged on its part so far).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

Span = tuple[float, float]  # [start, end) in seconds since the epoch

LOGIN = "login"
PAUSE = "pause"
ACW = "acw"


@dataclass(frozen=True)
class PlannedShift:
    """One agent's shift: its start and end and its breaks as (start, end)."""

    member: int
    day: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    breaks: tuple[tuple[dt.datetime, dt.datetime], ...] = ()
    queues: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stretch:
    """A stretch of the agent's time as the telephone platform reported it."""

    kind: str  # login, pause or acw
    started_at: dt.datetime
    ended_at: dt.datetime | None = None


@dataclass(frozen=True)
class ShiftAttendance:
    """How one shift went."""

    shift: PlannedShift
    present: bool
    logged_in_at: dt.datetime | None
    logged_off_at: dt.datetime | None
    late_minutes: float  # 0 when not late beyond the grace
    early_minutes: float  # 0 when not early beyond the grace
    scheduled_seconds: float  # on the phones as planned, up to now
    ready_seconds: float  # of that, logged in and not paused

    @property
    def late(self) -> bool:
        return self.late_minutes > 0

    @property
    def early(self) -> bool:
        return self.early_minutes > 0

    @property
    def adherence(self) -> float | None:
        """实际工作率 of this shift (002 第7篇)."""
        if self.scheduled_seconds <= 0:
            return None
        return self.ready_seconds / self.scheduled_seconds


def _ts(moment: dt.datetime) -> float:
    return moment.timestamp()


def merge(spans: Iterable[Span]) -> list[Span]:
    """The union of spans, sorted and without overlaps; empty spans dropped."""
    result: list[Span] = []
    for start, end in sorted(span for span in spans if span[1] > span[0]):
        if result and start <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def intersect(a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    """The intersection of two merged span lists."""
    result: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if end > start:
            result.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return result


def subtract(a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    """The parts of merged spans `a` outside merged spans `b`."""
    result: list[Span] = []
    for start, end in a:
        cursor = start
        for b_start, b_end in b:
            if b_end <= cursor or b_start >= end:
                continue
            if b_start > cursor:
                result.append((cursor, b_start))
            cursor = max(cursor, b_end)
        if cursor < end:
            result.append((cursor, end))
    return result


def length(spans: Iterable[Span]) -> float:
    return sum(end - start for start, end in spans)


def on_phone(shift: PlannedShift) -> list[Span]:
    """The time the rota plans the agent on the phones: the shift minus its breaks."""
    whole = [(_ts(shift.starts_at), _ts(shift.ends_at))]
    return subtract(whole, merge((_ts(s), _ts(e)) for s, e in shift.breaks))


def stretches_of(stretches: Iterable[Stretch], kind: str, now: dt.datetime) -> list[Span]:
    """The merged spans of one kind; open ones end at `now`, nothing counts past it."""
    limit = _ts(now)
    return merge(
        (_ts(s.started_at), min(limit, _ts(s.ended_at) if s.ended_at else limit))
        for s in stretches
        if s.kind == kind
    )


def ready(stretches: Iterable[Stretch], now: dt.datetime) -> list[Span]:
    """Logged in and not paused (after-call work counts as ready: see the module's text)."""
    items = list(stretches)
    return subtract(stretches_of(items, LOGIN, now), stretches_of(items, PAUSE, now))


def shift_attendance(
    shift: PlannedShift,
    stretches: Iterable[Stretch],
    *,
    now: dt.datetime,
    grace_minutes: float = 5,
) -> ShiftAttendance:
    """How the agent kept one shift (002 第7篇 实际工作率 and 出勤率; late and early beyond
    the grace), judged up to `now`."""
    # Only the stretches that overlap the shift can change how it was kept: the rest are
    # left out first, so judging two months of shifts does not merge every stretch of the
    # two months once per shift.
    items = [
        s
        for s in stretches
        if s.started_at < shift.ends_at and (s.ended_at is None or s.ended_at > shift.starts_at)
    ]
    limit = _ts(now)
    start, end = _ts(shift.starts_at), _ts(shift.ends_at)
    logins = stretches_of(items, LOGIN, now)
    during = intersect(logins, [(start, min(end, limit))]) if start < limit else []
    present = bool(during)
    grace = grace_minutes * 60
    late = early = 0.0
    logged_in_at = logged_off_at = None
    if present:
        first, last = during[0][0], during[-1][1]
        logged_in_at = dt.datetime.fromtimestamp(first, shift.starts_at.tzinfo)
        if first > start and first - start > grace:
            late = (first - start) / 60
        if end <= limit:
            logged_off_at = dt.datetime.fromtimestamp(last, shift.starts_at.tzinfo)
            if last < end and end - last > grace:
                early = (end - last) / 60
    planned = intersect(on_phone(shift), [(start, limit)]) if start < limit else []
    return ShiftAttendance(
        shift=shift,
        present=present,
        logged_in_at=logged_in_at,
        logged_off_at=logged_off_at,
        late_minutes=late,
        early_minutes=early,
        scheduled_seconds=length(planned),
        ready_seconds=length(intersect(planned, ready(items, now))),
    )


@dataclass
class Summary:
    """Shifts summed: the inputs of the metrics app's adherence and attendance."""

    scheduled_agents: int = 0  # agent-shifts planned (started by now)
    present_agents: int = 0  # of those, the agent logged in during the shift
    scheduled_seconds: float = 0.0
    ready_seconds: float = 0.0
    late: int = 0
    early: int = 0
    shifts: list[ShiftAttendance] = field(default_factory=list)

    def add(self, item: ShiftAttendance, *, now: dt.datetime) -> None:
        self.shifts.append(item)
        if item.shift.starts_at > now:
            return  # not begun: neither attended nor missed yet
        self.scheduled_agents += 1
        self.present_agents += int(item.present)
        self.scheduled_seconds += item.scheduled_seconds
        self.ready_seconds += item.ready_seconds
        self.late += int(item.late)
        self.early += int(item.early)

    @property
    def attendance(self) -> float | None:
        """出勤率 (002 第7篇): agents who worked ÷ agents planned."""
        return self.present_agents / self.scheduled_agents if self.scheduled_agents else None

    @property
    def adherence(self) -> float | None:
        """实际工作率 (002 第7篇): ready time ÷ planned time on the phones."""
        return self.ready_seconds / self.scheduled_seconds if self.scheduled_seconds else None


def summarise(
    shifts: Iterable[PlannedShift],
    stretches: dict[int, list[Stretch]],
    *,
    now: dt.datetime,
    grace_minutes: float = 5,
) -> Summary:
    """Every shift judged against its agent's stretches (keyed by the shift's member)."""
    summary = Summary()
    for shift in shifts:
        summary.add(
            shift_attendance(
                shift, stretches.get(shift.member, ()), now=now, grace_minutes=grace_minutes
            ),
            now=now,
        )
    return summary


def headcount_and_leavers(
    members: Iterable[tuple[dt.date | None, dt.date | None]], first: dt.date, last: dt.date
) -> tuple[int, int]:
    """For 值机员流动率 (002 第7篇: "一月、一季或一年中离开中心的业务员人数在全时工作总人数中
    的比例"): the agents on the books at some time from `first` to `last` (joined on or before
    `last`, not left before `first`), and of those the ones who left in it. `members` are
    (joined_on, left_on); an unknown joining day is before any period."""
    headcount = leavers = 0
    for joined, left in members:
        if joined is not None and joined > last:
            continue
        if left is not None and left < first:
            continue
        headcount += 1
        if left is not None and left <= last:
            leavers += 1
    return headcount, leavers


def turnover(leavers: int, headcount: int) -> float | None:
    """值机员流动率 (002 第7篇): leavers ÷ headcount."""
    return leavers / headcount if headcount else None


def per_interval(spans: Sequence[Span], starts: Sequence[float], seconds: float) -> list[float]:
    """Agents' worth in each interval [start, start + seconds): the spans' seconds inside
    it ÷ its length (an agent on the phones for half of it is half an agent)."""
    return [length(intersect(spans, [(start, start + seconds)])) / seconds for start in starts]


def reforecast(
    forecast: Sequence[float], actual: Sequence[float], *, elapsed: int
) -> tuple[list[float], float | None]:
    """The rest of the day from the day so far: the intervals before `elapsed` are what
    happened; each later one is its forecast × (calls so far ÷ calls forecast so far).
    Returns the curve and the ratio (None when nothing was forecast so far: the forecast
    is kept as it is)."""
    so_far = sum(forecast[:elapsed])
    happened = sum(actual[:elapsed])
    ratio = happened / so_far if so_far > 0 else None
    scale = 1.0 if ratio is None else ratio
    curve = [float(value) for value in actual[:elapsed]]
    curve += [value * scale for value in forecast[elapsed:]]
    return curve, ratio
