from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnly(models.Model):
    """Rows that are evidence (the audit log, published versions): only ever added."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError(f"{self._meta.verbose_name_plural} are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError(f"{self._meta.verbose_name_plural} are append-only")


class OrgUnit(models.Model):
    """A node of the organisation tree: a centre, a team inside it, or a department."""

    class Kind(models.TextChoices):
        CENTRE = "centre", _("Centre")
        TEAM = "team", _("Team")
        DEPARTMENT = "department", _("Department")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    calendar = models.ForeignKey(
        "WorkCalendar",
        verbose_name=_("working calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    active = models.BooleanField(_("active"), default=True)
    # 专席: the second layer of a two-layer centre (一线 + 专席). Such a department sits
    # inside the centre; agents transfer orders to it and its expert agents take them.
    expert_seat = models.BooleanField(
        _("expert seat"),
        default=False,
        help_text=_("A department of expert agents inside the centre that takes transfers."),
    )
    # PIPL: how long a centre keeps the personal fields of its contacts and closed orders.
    retention_days = models.PositiveIntegerField(
        _("personal data kept (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Days after which the personal fields of contacts and closed work orders are "
            "anonymised; empty follows KEFU_RETENTION_DAYS, 0 keeps them."
        ),
    )

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Kind.CENTRE and self.parent_id is not None:
            raise ValidationError(_("A centre is the root of its tree."))
        if self.kind != self.Kind.CENTRE and self.parent_id is None:
            raise ValidationError(_("Teams and departments belong to a centre."))

    @property
    def centre(self) -> OrgUnit:
        unit = self
        while unit.parent is not None:
            unit = unit.parent
        return unit


class Region(models.Model):
    """Geography for routing and reporting, coded as in GB/T 2260."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who works in or for the centre; the role is the user's group."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    employee_number = models.CharField(_("employee number"), max_length=32, blank=True)
    phone = models.CharField(_("mobile number"), max_length=16, blank=True)
    centre = models.ForeignKey(
        OrgUnit,
        verbose_name=_("centre"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": OrgUnit.Kind.CENTRE},
    )
    team = models.ForeignKey(
        OrgUnit,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        limit_choices_to={"kind": OrgUnit.Kind.TEAM},
    )
    department = models.ForeignKey(
        OrgUnit,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handlers",
        limit_choices_to={"kind": OrgUnit.Kind.DEPARTMENT},
    )
    # AB岗 (002 第10篇): while away, a named colleague receives this user's orders and notices.
    backup = models.ForeignKey(
        "self",
        verbose_name=_("backup (AB post)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    away_until = models.DateTimeField(_("away until"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A new password or a deactivated account ends every API token the user holds.
        # Done here, where Django itself notices a password change, because it is the one
        # place every path crosses: the password page, the admin's forms, `changepassword`.
        password_changed = self._password is not None  # type: ignore[attr-defined]
        super().save(*args, **kwargs)
        if password_changed or not self.is_active:
            from kefu.core.services import tokens_revoke

            tokens_revoke(
                user=self, reason="password_changed" if password_changed else "deactivated"
            )

    @property
    def role(self) -> str | None:
        """The user's role code: the name of their role group (read once per request)."""
        if not hasattr(self, "_role"):
            from kefu.core.roles import ROLES

            names = sorted(self.groups.values_list("name", flat=True))
            self._role = next((name for name in names if name in ROLES), None)
        return self._role

    @role.setter
    def role(self, value: str | None) -> None:
        self._role = value


class WorkCalendar(models.Model):
    """A calendar that time limits are counted on: round the clock, or working hours."""

    class Kind(models.TextChoices):
        ALWAYS = "always", _("24×7")
        WORKING_HOURS = "working_hours", _("Working hours")

    name = models.SlugField(_("name"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # "08:30-12:00,13:30-17:30": the working periods of a working day.
    periods = models.CharField(
        _("working periods"), max_length=200, default="08:30-12:00,13:30-17:30", blank=True
    )
    official_holidays = models.BooleanField(
        _("follow China's official holidays"),
        default=True,
        help_text=_("Statutory holidays and make-up working days from the State Council."),
    )
    # Renewed with every change of the overrides, so processes can keep the calendar they
    # built and know when it is stale without reading the overrides again. Random rather
    # than counted, so a restored backup or a fresh test database never repeats one.
    revision = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.title or self.name

    def clean(self) -> None:
        from kefu.core.workcal import parse_periods

        if self.kind == self.Kind.WORKING_HOURS:
            try:
                parse_periods(self.periods)
            except ValueError as error:
                raise ValidationError({"periods": str(error)}) from error


class CalendarOverride(models.Model):
    """A day the centre declares itself, which wins over the official calendar."""

    calendar = models.ForeignKey(
        WorkCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="overrides",
    )
    day = models.DateField(_("day"))
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["calendar", "day"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "day"], name="calendar_override_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.calendar} {self.day}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        self._bump_calendar()

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        result = super().delete(*args, **kwargs)
        self._bump_calendar()
        return result

    def _bump_calendar(self) -> None:
        WorkCalendar.objects.filter(pk=self.calendar_id).update(revision=uuid.uuid4())


class AuditEntry(AppendOnly):
    """One row per write and per unmasked view of personal data; never changed afterwards."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_repr}"


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """A message for one user in the product itself (the bell), also sent on by mail or SMS."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)
    kind = models.CharField(_("kind"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=200, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # The event told of (`ticket.overdue:GD…:review:<due>`): a person is told of one event
    # once, however often or by however many workers it is noticed. Empty: no such key.
    key = models.CharField(_("event"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-at"], name="notification_inbox_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="notification_once_per_event_and_person",
            )
        ]

    def __str__(self) -> str:
        return self.title


class IdempotencyKey(models.Model):
    """One create request named by its client (the `Idempotency-Key` header, or the
    one-time token of a form): the first answer is kept so that a retry gets it again
    instead of creating a second object. `status` is empty while the first request runs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    route = models.CharField(max_length=200)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_index=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    location = models.CharField(max_length=500, blank=True)
    body = models.BinaryField(blank=True, default=b"")

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "route", "key"], name="idempotency_key_unique_per_user_route"
            )
        ]

    def __str__(self) -> str:
        return f"{self.route} {self.key}"


class WorkerHeartbeat(models.Model):
    """The background worker's sign of life, written every few seconds by `kefu worker`
    while its cluster runs; `/healthz` reports the newest."""

    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        constraints = [
            models.UniqueConstraint(fields=["host", "pid"], name="worker_heartbeat_unique_process")
        ]

    def __str__(self) -> str:
        return f"{self.host}:{self.pid} {self.beat_at:%Y-%m-%d %H:%M:%S}"


class HolidayNotice(models.Model):
    """The State Council's holiday notice for a year, entered by an administrator while the
    official calendar kefu ships does not cover that year (kefu/core/holidays.py).

    Its days are written as overrides of every working-hours calendar that follows the
    official holidays; a year with a notice counts as covered.
    """

    year = models.PositiveIntegerField(_("notice year"), unique=True)
    text = models.TextField(_("notice text"))
    # [["2027-01-01", "元旦"], …]: what was written as overrides, to replace on re-entry.
    holidays = models.JSONField(_("days off"), default=list)
    workdays = models.JSONField(_("make-up working days"), default=list)
    entered_by = models.ForeignKey(
        User, verbose_name=_("entered by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered"), auto_now=True)

    class Meta:
        verbose_name = _("holiday notice")
        verbose_name_plural = _("holiday notices")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class DataImport(models.Model):
    """One import of a centre's file started from the import page: the file waits under
    the data directory (DATA_DIR/imports) until the worker has read it, then is removed;
    the report stays. Progress is rows done of about `rows_hint`."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        CHECKING = "checking", _("Checking")
        WRITING = "writing", _("Writing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=32)
    file_name = models.CharField(_("file"), max_length=255)
    # Where the upload waits for the worker, relative to DATA_DIR; "" once removed.
    stored = models.CharField(max_length=255, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    # The language of the person who started it: the report is written in it.
    language = models.CharField(max_length=16, default="zh-hans")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default="queued")
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_hint = models.PositiveIntegerField(_("rows in all (about)"), null=True, blank=True)
    report = models.JSONField(_("report"), null=True, blank=True)
    # What the person is handed once (new users' first passwords), encrypted with the data
    # keys (kefu/core/crypto.py); emptied by the one download.
    handout = models.TextField(blank=True, default="")
    handout_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("data import")
        verbose_name_plural = _("data imports")
        ordering = ["-created_at", "-id"]
        permissions = [("import_data", _("Can import and export the centre's data"))]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"

    @property
    def running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.CHECKING, self.State.WRITING)
