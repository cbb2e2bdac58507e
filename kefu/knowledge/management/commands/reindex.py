from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kefu.knowledge.services import search_index_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the knowledge search index: after new synonym words, so articles already "
        "indexed are segmented with them too."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{search_index_rebuild()} articles indexed")
