from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import AdminSigninForm
from kefu.core.models import (
    ApiToken,
    AuditEntry,
    CalendarOverride,
    OrgUnit,
    Region,
    User,
    WorkCalendar,
)
from kefu.core.services import audit_record, signin_unlock, tokens_revoke


class AuditedAdmin(admin.ModelAdmin):
    """Configuration edited in the admin leaves the same audit rows as the services do."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        before = {name: form.initial.get(name) for name in form.changed_data} if change else None
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action=f"{obj._meta.model_name}.{'update' if change else 'create'}",
            obj=obj,
            before=_json_safe(before),
            after=_json_safe({name: form.cleaned_data.get(name) for name in form.changed_data}),
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # Inline rows (a calendar's overrides) are writes of their own.
        super().save_formset(request, form, formset, change)
        actor = request.user
        for obj in formset.new_objects:
            audit_record(actor=actor, action=f"{obj._meta.model_name}.create", obj=obj)  # type: ignore[arg-type]
        for obj, fields in formset.changed_objects:
            audit_record(
                actor=actor,  # type: ignore[arg-type]
                action=f"{obj._meta.model_name}.update",
                obj=obj,
                after={"fields": sorted(fields)},
            )
        for obj in formset.deleted_objects:
            audit_record(actor=actor, action=f"{obj._meta.model_name}.delete", obj=obj)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action=f"{obj._meta.model_name}.delete",
            obj=obj,
        )
        super().delete_model(request, obj)


def _json_safe(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if values is None:
        return None
    return {
        key: value if isinstance(value, str | int | float | bool | type(None)) else str(value)
        for key, value in values.items()
    }


# A role's permissions are defined in kefu/core/roles.py and written to its group on every
# migrate; editing them here would be undone, so groups are managed through users only.
admin.site.unregister(Group)


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ["name", "code", "kind", "parent", "calendar", "retention_days", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "code"]


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["name", "code", "parent"]
    search_fields = ["name", "code"]


class ApiTokenInline(admin.TabularInline):
    """A user's API tokens: an admin sees when each was issued and ends, and ends any of
    them with its delete box (the token itself is never shown: only its hash is kept)."""

    model = ApiToken
    extra = 0
    fields = ["created_at", "expires_at"]
    readonly_fields = ["created_at", "expires_at"]
    verbose_name_plural = _("API tokens (tick to revoke)")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class KefuUserAdmin(UserAdmin, AuditedAdmin):
    inlines = [ApiTokenInline]
    actions = ["unlock_signin"]

    @admin.action(description=_("Lift the sign-in lock of the selected users"))
    def unlock_signin(self, request: HttpRequest, queryset: Any) -> None:
        lifted = [
            user.username
            for user in queryset
            if signin_unlock(actor=request.user, user=user)  # type: ignore[arg-type]
        ]
        self.message_user(
            request,
            _("Sign-in locks lifted: %(users)s") % {"users": "、".join(lifted) or "—"},
        )

    list_display = ["username", "full_name", "centre", "team", "department", "is_active"]
    list_filter = ["groups", "centre", "is_active"]
    search_fields = ["username", "full_name", "employee_number"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            _("Organisation"),
            {"fields": ("full_name", "employee_number", "centre", "team", "department")},
        ),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Every API token in force, by user; revoking is deleting (and is audited)."""

    list_display = ["user", "created_at", "expires_at"]
    list_filter = ["expires_at"]
    search_fields = ["user__username", "user__full_name"]
    readonly_fields = ["user", "created_at", "expires_at"]
    fields = ["user", "created_at", "expires_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        tokens_revoke(user=obj.user, actor=request.user, reason="revoked", token_id=obj.pk)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for token in queryset.select_related("user"):
            self.delete_model(request, token)


class CalendarOverrideInline(admin.TabularInline):
    model = CalendarOverride
    extra = 1


@admin.register(WorkCalendar)
class WorkCalendarAdmin(AuditedAdmin):
    list_display = ["name", "title", "kind", "periods", "official_holidays"]
    inlines = [CalendarOverrideInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_repr", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "object_id", "actor__username"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The admin's own login counts failures and locks out as the login page and the API do.
admin.site.login_form = AdminSigninForm
