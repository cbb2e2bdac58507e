from django.contrib import admin

from kefu.contacts.models import CallReason
from kefu.core.admin import AuditedAdmin


@admin.register(CallReason)
class CallReasonAdmin(AuditedAdmin):
    list_display = ["name", "code", "dimension", "parent", "centre", "position", "active"]
    list_filter = ["centre", "dimension", "active"]
    search_fields = ["name", "code"]
    list_select_related = ["parent", "centre"]
