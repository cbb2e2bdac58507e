"""The administrator's view of supervision, read only: checklists, rounds and
rectifications change through their pages and the API, which check and audit each step."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kefu.supervision.models import Checklist, Rectification, Round


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Checklist)
class ChecklistAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "centre", "active"]
    list_filter = ["kind", "active"]


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "kind", "inspector", "state", "score"]
    list_filter = ["kind", "state"]


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = ["deadline", "owner", "state"]
    list_filter = ["state"]
