from django.contrib import admin

from kefu.core.admin import AuditedAdmin
from kefu.customers.models import Tag


@admin.register(Tag)
class TagAdmin(AuditedAdmin):
    list_display = ["code", "name"]
