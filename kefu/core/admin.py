from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import AdminSigninForm
from kefu.core.holidays import parse_notice
from kefu.core.models import (
    ApiToken,
    AuditEntry,
    CalendarOverride,
    HolidayNotice,
    OrgUnit,
    Region,
    User,
    WorkCalendar,
)
from kefu.core.queries import calendar_uncovered_years
from kefu.core.services import audit_record, holiday_notice_enter, signin_unlock, tokens_revoke


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


class HolidayNoticeForm(forms.Form):
    year = forms.IntegerField(label=_("Notice year"), min_value=2000, max_value=2100)
    text = forms.CharField(
        label=_("The State Council's notice"),
        widget=forms.Textarea(attrs={"rows": 9, "cols": 90}),
        help_text=_(
            "One holiday a line: its name, the days off, then 上班 and the make-up working "
            "days, e.g. 春节：2月6日至13日放假，2月14日、2月20日上班 (or 2027-02-06~2027-02-13). "
            "The notice's own wording can be pasted as it is."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "year" in data and "text" in data:
            try:
                data["notice"] = parse_notice(data["year"], data["text"])
            except ValueError as error:
                self.add_error("text", str(error))
        return data


@admin.register(WorkCalendar)
class WorkCalendarAdmin(AuditedAdmin):
    list_display = ["name", "title", "kind", "periods", "official_holidays"]
    inlines = [CalendarOverrideInline]

    def get_urls(self) -> list[Any]:
        return [
            path(
                "holiday-notice/",
                self.admin_site.admin_view(self.holiday_notice),
                name="core_workcalendar_holiday_notice",
            ),
            *super().get_urls(),
        ]

    def holiday_notice(self, request: HttpRequest) -> HttpResponse:
        """Enter the State Council's holiday notice for a year in one form: checked, shown
        day by day, then written to every working-hours calendar."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        missing = calendar_uncovered_years()
        year = missing[0] if missing else timezone.localdate().year + 1
        notice = None
        if request.method == "POST":
            form = HolidayNoticeForm(request.POST)
            if form.is_valid():
                notice = form.cleaned_data["notice"]
                if "save" in request.POST:
                    holiday_notice_enter(
                        actor=request.user,  # type: ignore[arg-type]
                        year=form.cleaned_data["year"],
                        text=form.cleaned_data["text"],
                    )
                    messages.success(
                        request,
                        _("The %(year)s holidays are entered in every working-hours calendar.")
                        % {"year": form.cleaned_data["year"]},
                    )
                    return redirect("admin:core_workcalendar_holiday_notice")
        else:
            entered = HolidayNotice.objects.filter(year=year).first()
            form = HolidayNoticeForm(
                initial={"year": year, "text": entered.text if entered else ""}
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Enter the State Council's holiday notice"),
            "opts": self.model._meta,
            "form": form,
            "notice": notice,
            "notices": HolidayNotice.objects.all(),
        }
        return TemplateResponse(request, "admin/core/holiday_notice.html", context)


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
