from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kefu.tickets.tasks import sweep


class Command(BaseCommand):
    help = "Record due warnings and overdue points now (the worker does it every minute)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = sweep()
        self.stdout.write(f"{result['warnings']} warnings, {result['overdue']} overdue recorded")
