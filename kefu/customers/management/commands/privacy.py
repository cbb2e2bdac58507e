from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kefu.customers.exports import personal_data_json, personal_data_xlsx
from kefu.customers.models import Customer
from kefu.customers.privacy import (
    customer_anonymise,
    customer_personal_data_export,
    retention_sweep,
)


class Command(BaseCommand):
    help = (
        "A customer's PIPL requests and the retention sweep: export ID -o FILE (.json or "
        ".xlsx), anonymise ID --reason TEXT, retention (anonymise what is past its period now)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export", "anonymise", "retention"])
        parser.add_argument("customer", nargs="?", type=int, help="the customer's id")
        parser.add_argument("-o", "--output", help="file to write the export to")
        parser.add_argument("--reason", default="", help="why: the customer's request")

    def _customer(self, options: dict[str, Any]) -> Customer:
        if options["customer"] is None:
            raise CommandError("name the customer by id")
        customer = Customer.objects.filter(pk=options["customer"]).first()
        if customer is None:
            raise CommandError(f"no customer {options['customer']}")
        return customer

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "retention":
            result = retention_sweep()
            self.stdout.write(
                json.dumps({"contacts": result.contacts, "work_orders": result.work_orders})
            )
            return
        customer = self._customer(options)
        if action == "anonymise":
            if not options["reason"].strip():
                raise CommandError("say why with --reason")
            customer_anonymise(actor=None, customer=customer, reason=options["reason"])
            self.stdout.write(f"customer {customer.pk} anonymised")
            return
        if not options["output"]:
            raise CommandError("name the file with -o (.json or .xlsx)")
        target = Path(options["output"])
        if target.suffix not in {".json", ".xlsx"}:
            raise CommandError("the file must end in .json or .xlsx")
        if target.exists():
            raise CommandError(f"{target} exists; choose a new file")
        fmt = target.suffix[1:]
        data = customer_personal_data_export(actor=None, customer=customer, file_format=fmt)
        content = personal_data_xlsx(data) if fmt == "xlsx" else personal_data_json(data)
        # The copy holds the customer's data in clear: readable by the operator alone.
        target.touch(mode=0o600)
        target.write_bytes(content)
        self.stdout.write(str(target))
