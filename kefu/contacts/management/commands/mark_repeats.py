from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kefu.contacts.services import contact_repeats_mark
from kefu.core.models import OrgUnit


class Command(BaseCommand):
    help = "Mark every contact with the earlier contact it repeats (the backfill of the mark)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--centre", help="a centre's code; every centre when left out")

    def handle(self, *args: Any, **options: Any) -> None:
        centres = OrgUnit.objects.filter(kind=OrgUnit.Kind.CENTRE)
        if options["centre"]:
            centres = centres.filter(code=options["centre"])
        for centre in centres:
            changed = contact_repeats_mark(centre=centre)
            self.stdout.write(f"{centre.code}: {changed} contacts marked")
