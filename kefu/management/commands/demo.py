from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Load the demo centre (idempotent: a second run changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=500)
        parser.add_argument("--contacts", type=int, default=3000)
        parser.add_argument("--tickets", type=int, default=1500)
        parser.add_argument("--days", type=int, default=60, help="contacts spread over N days")

    def handle(self, *args: Any, **options: Any) -> None:
        from kefu.demo import DEMO_USERS, PASSWORD, demo_load

        summary = demo_load(
            customers=options["customers"],
            contacts=options["contacts"],
            tickets=options["tickets"],
            days=options["days"],
        )
        self.stdout.write(
            f"Demo centre {summary.centre.name}: {summary.customers_created} customers, "
            f"{summary.contacts_created} contacts, {summary.tickets_created} work orders and "
            f"{summary.calls_created} queue calls added."
        )
        self.stdout.write(f"Demo logins (password {PASSWORD}):")
        for username, role, full_name, _team, _department in DEMO_USERS:
            self.stdout.write(f"  {username:<11} {role:<11} {full_name}")
