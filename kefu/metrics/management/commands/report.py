from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kefu.core.errors import NotFound
from kefu.core.management.arguments import instant
from kefu.core.queries import centre_by_code
from kefu.metrics import exports, queries, reports


class Command(BaseCommand):
    help = "The centre's reports: daily, weekly, monthly (.xlsx or JSON) and indicator summaries."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="kind", required=True)
        for kind in reports.KINDS:
            one = sub.add_parser(kind, help=f"the {kind} report")
            one.add_argument("--date", required=True, help="a day of the period, YYYY-MM-DD")
            one.add_argument("--scope", choices=reports.SCOPES, default="centre")
            one.add_argument("--name", help="the queue, agent or team (code) of the scope")
            one.add_argument("--format", choices=("xlsx", "json"), default="xlsx")
            one.add_argument("-o", "--output", help="file to write (xlsx needs one)")
            one.add_argument("--centre", help="centre code (needed when there are several)")
        summary = sub.add_parser("summary", help="every indicator for a period, as JSON")
        summary.add_argument(
            "--from",
            dest="start",
            required=True,
            help="ISO 8601 time; widened to the 15-minute grid, printed as counted",
        )
        summary.add_argument(
            "--to",
            dest="end",
            required=True,
            help="ISO 8601 time; widened to the 15-minute grid, printed as counted",
        )
        summary.add_argument("--queue")
        summary.add_argument("--format", choices=("json",), default="json")
        summary.add_argument("--centre")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            centre = centre_by_code(options["centre"])
        except NotFound as error:
            raise CommandError(str(error.message)) from error
        if options["kind"] == "summary":
            start, end = instant(options["start"]), instant(options["end"])
            if end <= start:
                raise CommandError("--to must come after --from")
            # "from" and "to" are the window counted: the roll-ups hold whole 15-minute
            # intervals, so a window off that grid is widened, and "requested" says so.
            result = reports.summary_json(
                centre, queries.Period(start, end), queue=options["queue"]
            )
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        try:
            day = dt.date.fromisoformat(options["date"])
        except ValueError as error:
            raise CommandError(f"not a date: {options['date']!r}") from error
        try:
            report = reports.build(
                centre, options["kind"], day, scope=options["scope"], name=options["name"]
            )
        except (ValueError, NotFound) as error:
            raise CommandError(str(getattr(error, "message", error))) from error
        if options["format"] == "json":
            text = json.dumps(reports.as_json(report), ensure_ascii=False, default=str)
            if options["output"]:
                Path(options["output"]).write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text)
            return
        if not options["output"]:
            raise CommandError("an .xlsx report needs -o FILE")
        Path(options["output"]).write_bytes(exports.report_xlsx(report))
        self.stderr.write(f"wrote {options['output']}")
