"""Running a simulation and writing its queue_log: to a file or stream, or from the
command line."""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Iterator, Sequence
from datetime import date, tzinfo
from typing import IO, Any
from zoneinfo import ZoneInfo

from kefu.telephony.simulator.profile import (
    PlannedShift,
)
from kefu.telephony.simulator.simulation import _Simulation


def simulate(
    *,
    start: date,
    days: int,
    queues: Sequence[str],
    agents: Sequence[str],
    tz: tzinfo,
    seed: int = 0,
    calls_per_day: int | None = None,
    caller_numbers: Sequence[str] = (),
    shifts: Sequence[PlannedShift] = (),
) -> Iterator[str]:
    """Yield queue_log lines (each ending in a newline) in time order.

    ``calls_per_day`` is the volume of a working day (weekends get 60 % of it); by
    default it is :func:`default_calls_per_day` of the number of agents. Caller ids
    come from ``caller_numbers`` when given, else are random mainland mobiles; some
    callers call again. With ``shifts`` (the rota), the agents keep them on the days
    they cover. The same arguments always give the same lines.
    """
    sim = _Simulation(
        start=start,
        days=days,
        queues=queues,
        agents=agents,
        tz=tz,
        seed=seed,
        calls_per_day=calls_per_day,
        caller_numbers=caller_numbers,
        shifts=shifts,
    )
    return sim.run()


def write(path_or_stream: str | os.PathLike[str] | IO[Any], **kwargs: Any) -> int:
    """Write :func:`simulate` (same keyword arguments) to a path or open stream.

    A path is written as UTF-8; a stream may be text or binary. Returns the number
    of lines written.
    """
    if isinstance(path_or_stream, (str, os.PathLike)):
        with open(path_or_stream, "w", encoding="utf-8", newline="\n") as handle:
            return _write_lines(handle, simulate(**kwargs), text=True)
    return _write_lines(path_or_stream, simulate(**kwargs), text=_is_text(path_or_stream))


def _is_text(stream: IO[Any]) -> bool:
    if isinstance(stream, io.TextIOBase):
        return True
    if isinstance(stream, (io.RawIOBase, io.BufferedIOBase)):
        return False
    return "b" not in getattr(stream, "mode", "")


def _write_lines(stream: IO[Any], lines: Iterator[str], *, text: bool) -> int:
    count = 0
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= 10_000:
            count += _flush(stream, batch, text)
    count += _flush(stream, batch, text)
    return count


def _flush(stream: IO[Any], batch: list[str], text: bool) -> int:
    if not batch:
        return 0
    block = "".join(batch)
    stream.write(block if text else block.encode("utf-8"))
    n = len(batch)
    batch.clear()
    return n


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kefu.telephony.simulator OUT --days 7 --agents 40 --queues a,b``."""
    parser = argparse.ArgumentParser(description="Write a synthetic Asterisk queue_log.")
    parser.add_argument("out", help="file to write, - for standard output")
    parser.add_argument("--start", type=date.fromisoformat, default=date(2026, 11, 16))
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--queues", default="hotline,billing,complaints")
    parser.add_argument("--agents", type=int, default=40, help="number of agents")
    parser.add_argument("--calls-per-day", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tz", default="Asia/Shanghai")
    args = parser.parse_args(argv)
    kwargs: dict[str, Any] = {
        "start": args.start,
        "days": args.days,
        "queues": [q for q in args.queues.split(",") if q],
        "agents": [f"Agent/{1001 + i}" for i in range(args.agents)],
        "tz": ZoneInfo(args.tz),
        "seed": args.seed,
        "calls_per_day": args.calls_per_day,
    }
    count = write(sys.stdout if args.out == "-" else args.out, **kwargs)
    print(f"{count} lines", file=sys.stderr)
    return 0
