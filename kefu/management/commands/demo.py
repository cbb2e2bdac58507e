from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Load the demo centre (idempotent: a second run changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "what",
            nargs="?",
            choices=["incident"],
            help="`incident`: a burst of fault calls in one region now, and its major incident",
        )
        parser.add_argument("--customers", type=int, default=3000)
        parser.add_argument(
            "--contacts",
            type=int,
            default=None,
            help="contacts to record (default: one per answered call, other channels beside)",
        )
        parser.add_argument("--tickets", type=int, default=1500)
        parser.add_argument("--days", type=int, default=60, help="days of history up to now")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="load only into a database without a centre (what `make run` does)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from kefu.centre import existing_centres
        from kefu.demo import DEMO_CENTRES, PASSWORD, demo_load, demo_logins

        if options.get("what") == "incident":
            self._incident()
            return
        centres = existing_centres()
        if options["if_empty"] and centres:
            self.stdout.write(
                _("This database holds %(centres)s already: the demo is not loaded.")
                % {"centres": "、".join(f"「{centre.name}」" for centre in centres)}
            )
            return
        # Never into a real centre: the demo's logins share one published password.
        real = [centre for centre in centres if centre.code not in DEMO_CENTRES]
        if real:
            self.stderr.write(
                _(
                    "This database holds the centre %(centres)s, which is not the demo's: the "
                    "demo, whose logins share a published password, is not loaded into it."
                )
                % {"centres": "、".join(f"「{centre.name}」" for centre in real)}
            )
            raise SystemExit(1)
        started = time.monotonic()

        # Each step on a line of its own as it starts, with the time since the start:
        # the whole load takes a minute or more and should not look stuck.
        def progress(message: str) -> None:
            self.stdout.write(f"[{time.monotonic() - started:5.0f} s] {message}")
            self.stdout.flush()

        summary = demo_load(
            customers=options["customers"],
            contacts=options["contacts"],
            tickets=options["tickets"],
            days=options["days"],
            progress=progress,
        )
        self.stdout.write(
            _(
                "Demo centre %(centre)s: %(customers)s customers, %(contacts)s contacts, "
                "%(tickets)s work orders and %(calls)s queue calls added in %(seconds).0f s."
            )
            % {
                "centre": summary.centre.name,
                "customers": summary.customers_created,
                "contacts": summary.contacts_created,
                "tickets": summary.tickets_created,
                "calls": summary.calls_created,
                "seconds": time.monotonic() - started,
            }
        )
        self.stdout.write(_("Demo logins (password %(password)s):") % {"password": PASSWORD})
        for username, role, full_name in demo_logins():
            self.stdout.write(f"  {username:<11} {role:<11} {full_name}")

    def _incident(self) -> None:
        """`kefu demo incident`: a live major incident in the demo centre, now."""
        from kefu.core import demo_content
        from kefu.core.models import OrgUnit
        from kefu.insights.demo.incidents import incident_now

        centre = OrgUnit.objects.filter(code=demo_content.ORGANISATION["code"]).first()
        live = incident_now(centre) if centre is not None else None
        if live is None:
            self.stderr.write(_("Load the demo first: `kefu demo`."))
            raise SystemExit(1)
        self.stdout.write(
            _(
                "Major incident %(title)s opened: %(contacts)s fault reports in the last quarter "
                "hour, %(orders)s orders; the leaders and the department on duty are alerted. "
                "Open /insights/incidents/%(id)s/."
            )
            % {
                "title": live.incident.title,
                "contacts": live.contacts,
                "orders": live.orders,
                "id": live.incident.pk,
            }
        )
