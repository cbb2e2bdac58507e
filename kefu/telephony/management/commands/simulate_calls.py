from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kefu.telephony import simulator


class Command(BaseCommand):
    help = "Write a realistic Asterisk queue_log for demos and benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7)
        parser.add_argument("--queues", type=int, default=3, help="how many queues")
        parser.add_argument("--agents", type=int, default=20, help="how many agents")
        parser.add_argument("--start", help="first day, YYYY-MM-DD (default: DAYS days ago)")
        parser.add_argument("--calls-per-day", type=int, help="default: what the agents can take")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("-o", "--output", default="-", help="file to write, - for stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        zone = ZoneInfo(settings.TIME_ZONE)
        if options["days"] < 1 or options["queues"] < 1 or options["agents"] < 1:
            raise CommandError("days, queues and agents must be at least 1")
        if options["start"]:
            try:
                start = dt.date.fromisoformat(options["start"])
            except ValueError as error:
                raise CommandError(f"not a date: {options['start']!r}") from error
        else:
            start = dt.datetime.now(zone).date() - dt.timedelta(days=options["days"])
        kwargs = {
            "start": start,
            "days": options["days"],
            "queues": [f"queue-{n:02d}" for n in range(1, options["queues"] + 1)],
            "agents": [f"Agent/{1000 + n}" for n in range(1, options["agents"] + 1)],
            "tz": zone,
            "seed": options["seed"],
            "calls_per_day": options["calls_per_day"],
        }
        if options["output"] == "-":
            lines = simulator.write(sys.stdout, **kwargs)
        else:
            lines = simulator.write(Path(options["output"]), **kwargs)
        self.stderr.write(f"{lines} lines")
