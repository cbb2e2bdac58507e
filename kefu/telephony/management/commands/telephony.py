from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kefu.core.errors import DomainError, NotFound
from kefu.core.queries import centre_by_code
from kefu.telephony import services


class Command(BaseCommand):
    help = "Telephone-platform data: import queue_log files and call records."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        read = sub.add_parser("import", help="import a file; safe to repeat")
        read.add_argument("file", type=Path)
        read.add_argument("--format", choices=services.FORMATS, default="queue_log")
        read.add_argument("--centre", help="centre code (needed when there are several)")
        read.add_argument(
            "--follow",
            action="store_true",
            help="keep reading as the file grows, resuming where the last run stopped",
        )
        read.add_argument("--poll", type=float, default=1.0, help="seconds between looks")
        rebuild = sub.add_parser(
            "rebuild",
            help="recompute the roll-ups from the stored calls and activities (after a restore, "
            "or an upgrade that changes how they are counted)",
        )
        rebuild.add_argument("--centre", help="centre code (needed when there are several)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            centre = centre_by_code(options["centre"])
        except NotFound as error:
            raise CommandError(str(error.message)) from error
        if options["action"] == "rebuild":
            calls = services.telephony_rollups_rebuild(centre=centre)
            self.stdout.write(json.dumps({"calls": calls}))
            return
        path: Path = options["file"]
        if not path.exists() and not options["follow"]:
            raise CommandError(f"no such file: {path}")
        try:
            if options["follow"]:
                stopping = {"now": False}

                def stop(signum: int, frame: object) -> None:
                    stopping["now"] = True

                # Handlers of our own while following, the caller's again afterwards: a
                # process that ran this command (a test, a script) and then forks must not
                # hand its children a SIGTERM that only sets a flag here.
                before = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
                try:
                    report = services.telephony_follow(
                        centre=centre,
                        path=path,
                        fmt=options["format"],
                        poll_seconds=options["poll"],
                        stop=lambda: stopping["now"],
                    )
                finally:
                    for sig, handler in before.items():
                        signal.signal(sig, handler)
            else:
                report = services.telephony_import(centre=centre, path=path, fmt=options["format"])
        except DomainError as error:  # a file that cannot be imported: nothing was written
            raise CommandError(str(error.message)) from error
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        if report.malformed:
            # Each refused line where an editor finds it, and a status a script can test.
            for line, reason in report.errors:
                self.stderr.write(f"{path}:{line}: {reason}")
            raise CommandError(
                _("%(file)s: %(count)d malformed lines refused; the other lines were imported.")
                % {"file": path, "count": report.malformed}
            )
