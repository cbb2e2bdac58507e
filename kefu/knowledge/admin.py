from __future__ import annotations

from django.contrib import admin

from kefu.core.admin import AuditedAdmin
from kefu.knowledge.models import KnowledgeCategory

# Articles, synonyms and feedback have pages of their own under /knowledge/, where the
# editorial rules apply; the admin keeps only the category tree.


@admin.register(KnowledgeCategory)
class KnowledgeCategoryAdmin(AuditedAdmin):
    list_display = ["name", "code", "parent", "centre", "position"]
    list_filter = ["centre"]
    search_fields = ["name", "code"]
