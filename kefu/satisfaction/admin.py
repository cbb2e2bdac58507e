"""The administrator's view of the outbox: each centre's rules for reaching out (quiet
hours, caps, the SMS signature), edited here and audited; the unsubscribed numbers and
the messages themselves, read only (they change through the services)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kefu.core.admin import AuditedAdmin
from kefu.satisfaction.models import Message, OptOut, OutreachRules


@admin.register(OutreachRules)
class OutreachRulesAdmin(AuditedAdmin):
    list_display = [
        "centre",
        "quiet_from",
        "quiet_until",
        "messages_per_day",
        "surveys_per_period",
        "survey_period_days",
        "sms_signature",
    ]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OptOut)
class OptOutAdmin(ReadOnlyAdmin):
    list_display = ["address", "channel", "source", "created_at", "centre"]
    list_filter = ["channel", "source"]
    search_fields = ["address"]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["scheduled_for", "address", "purpose", "state", "refusal", "attempts"]
    list_filter = ["state", "purpose", "channel"]
    search_fields = ["address", "key"]
    date_hierarchy = "scheduled_for"
