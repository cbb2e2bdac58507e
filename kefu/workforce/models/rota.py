"""The rota (排班表, 002 第15篇 3.1.1) and what changes it: shift templates, the agents'
contracts and skills, leave and swap requests (调班申请) decided by the team leader, the
rota's shifts, its published versions and the changes recorded after publication.

A rota covers a span of days for a centre. While it is a draft its shifts are the
solver's (and the leader's edits); publishing it writes an immutable version (every
shift as it stood, with a digest) that agents work by. After publication the shifts are
still the living plan, changed only by a service that records each change (`RotaChange`:
what it was, what it became, why, who, when); publishing again writes the next version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import AppendOnly, OrgUnit
from kefu.telephony.models import Queue


class ShiftKind(models.TextChoices):
    """What the night rules look at (rota.problem.ShiftKind has the same values)."""

    MORNING = "morning", _("Morning shift")
    DAY = "day", _("Day shift")
    EVENING = "evening", _("Evening shift")
    NIGHT = "night", _("Night shift")


class ShiftTemplate(models.Model):
    """A shift agents can be given: its start, length and breaks. Each break is
    `{"length", "earliest", "latest", "paid", "meal"}` in minutes after the shift's
    start: the solver places it inside its window (rota.problem.Break)."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=8, choices=ShiftKind.choices)
    start = models.TimeField(_("starts at"))
    length_minutes = models.PositiveSmallIntegerField(_("length (minutes)"))
    breaks = models.JSONField(_("breaks"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("shift template")
        verbose_name_plural = _("shift templates")
        ordering = ["centre", "start", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "code"], name="workforce_shifttemplate_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    """An agent's hard rules (rota.problem.Contract), named and shared by the agents
    who work under it."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=50)
    min_hours_per_week = models.PositiveSmallIntegerField(_("least hours a week"), default=0)
    max_hours_per_week = models.PositiveSmallIntegerField(_("most hours a week"), default=40)
    rest_days_per_week = models.PositiveSmallIntegerField(_("rest days a week"), default=2)
    max_consecutive_days = models.PositiveSmallIntegerField(
        _("most working days in a row"), default=6
    )
    min_rest_hours = models.PositiveSmallIntegerField(_("least hours between shifts"), default=11)
    max_consecutive_nights = models.PositiveSmallIntegerField(_("most nights in a row"), default=4)
    min_consecutive_nights = models.PositiveSmallIntegerField(_("least nights in a run"), default=1)
    no_morning_after_night = models.BooleanField(_("no morning shift after a night"), default=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["centre", "name"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="workforce_contract_unique")
        ]

    def __str__(self) -> str:
        return self.name


class StaffMember(models.Model):
    """A person the centre plans: their contract, the queues they may take (skills),
    whether they sit an expert seat, the only shifts they may work (none: any), and the
    days they joined and left (turnover, 002 第7篇)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_member",
    )
    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="members"
    )
    queues = models.ManyToManyField(Queue, verbose_name=_("skills"), blank=True, related_name="+")
    expert = models.BooleanField(_("expert seat"), default=False)
    templates = models.ManyToManyField(
        ShiftTemplate, verbose_name=_("only these shifts"), blank=True, related_name="+"
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        indexes = [models.Index(fields=["centre", "left_on"], name="workforce_member_centre_idx")]

    def __str__(self) -> str:
        return str(self.user)


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class LeaveKind(models.TextChoices):
    ANNUAL = "annual", _("Annual leave")
    SICK = "sick", _("Sick leave")
    PERSONAL = "personal", _("Personal leave")
    TIME_OFF = "time_off", _("Time off in lieu")
    OTHER = "other", _("Other leave")


class Decided(models.Model):
    """A request the team leader approves or refuses with a reason."""

    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision reason"), max_length=500, blank=True)

    class Meta:
        abstract = True


class LeaveRequest(Decided):
    """Leave from `first_day` to `last_day` inclusive. Approved leave is what the solver
    plans around (rota.problem.Agent.leave)."""

    member = models.ForeignKey(
        StaffMember, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="leave"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=LeaveKind.choices)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["member", "first_day"], name="workforce_leave_member_idx"),
            models.Index(fields=["status", "first_day"], name="workforce_leave_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="workforce_leave_days_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.first_day:%Y-%m-%d}–{self.last_day:%Y-%m-%d}"


class RotaStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Rota(models.Model):
    """The rota of a centre from `first_day` to `last_day`, planned at `interval_minutes`
    against `requirement` (`{queue name: [agents needed per interval]}`), with what the
    solver said: its status, the agent-intervals short and over, and why it falls short
    (`explanation`: the Chinese text and the runs short)."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    interval_minutes = models.PositiveSmallIntegerField(_("interval (minutes)"), default=30)
    status = models.CharField(
        _("status"), max_length=10, choices=RotaStatus.choices, default=RotaStatus.DRAFT
    )
    requirement = models.JSONField(_("requirement"), default=dict, blank=True)
    solver_status = models.CharField(_("solver status"), max_length=12, blank=True)
    short_total = models.FloatField(_("agent-intervals short"), default=0)
    over_total = models.FloatField(_("agent-intervals over"), default=0)
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rota")
        verbose_name_plural = _("rotas")
        ordering = ["centre", "-first_day"]
        indexes = [models.Index(fields=["centre", "first_day"], name="workforce_rota_span_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="workforce_rota_days_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_day:%Y-%m-%d}–{self.last_day:%Y-%m-%d}"


class Shift(models.Model):
    """One agent's shift on one day of a rota: the living plan. `breaks` are
    `{"start", "end", "paid", "meal"}` as ISO times. A night shift belongs to the day
    it starts."""

    rota = models.ForeignKey(
        Rota, verbose_name=_("rota"), on_delete=models.CASCADE, related_name="shifts"
    )
    member = models.ForeignKey(
        StaffMember, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="shifts"
    )
    day = models.DateField(_("day"))
    template = models.ForeignKey(
        ShiftTemplate,
        verbose_name=_("shift"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    breaks = models.JSONField(_("breaks"), default=list, blank=True)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["day", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["rota", "member", "day"], name="workforce_shift_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="workforce_shift_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "day"], name="workforce_shift_member_idx"),
            models.Index(fields=["starts_at"], name="workforce_shift_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.day:%Y-%m-%d}"


class RotaVersion(AppendOnly):
    """A published rota as it stood: every shift (`shifts`, in a stable order) and the
    digest of that content. Never changed."""

    rota = models.ForeignKey(
        Rota, verbose_name=_("rota"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    shifts = models.JSONField(_("shifts"), default=list)
    digest = models.CharField(_("digest"), max_length=64)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rota version")
        verbose_name_plural = _("rota versions")
        ordering = ["rota", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["rota", "number"], name="workforce_version_unique")
        ]


class SwapRequest(Decided):
    """An agent's request (调班申请, 002 第15篇) to swap their shift with a colleague's:
    `shift` given to the colleague and `counterpart_shift` taken in exchange, or only
    given away when that is empty. The colleague accepts (`accepted_at`) before the team
    leader decides. A shift removed since leaves its field empty."""

    requester = models.ForeignKey(
        StaffMember,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="swaps_asked",
    )
    counterpart = models.ForeignKey(
        StaffMember,
        verbose_name=_("colleague"),
        on_delete=models.CASCADE,
        related_name="swaps_offered",
    )
    # A request outlives its shifts: a shift removed later (approved leave, a new plan)
    # leaves the request, and its decision, on record.
    shift = models.ForeignKey(
        Shift,
        verbose_name=_("shift given"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    counterpart_shift = models.ForeignKey(
        Shift,
        verbose_name=_("shift taken"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted by the colleague at"), null=True, blank=True)

    class Meta:
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="workforce_swap_status_idx")]

    def __str__(self) -> str:
        return f"{self.requester_id} ⇄ {self.counterpart_id}"


class RotaChange(AppendOnly):
    """A change to a published rota's shifts: the shift before and after (`{}` for none:
    an added or removed shift), why (a swap, approved leave, or the leader's edit), who
    and when."""

    class Cause(models.TextChoices):
        SWAP = "swap", _("Swap")
        LEAVE = "leave", _("Leave")
        EDIT = "edit", _("Edited by the leader")

    rota = models.ForeignKey(
        Rota, verbose_name=_("rota"), on_delete=models.CASCADE, related_name="changes"
    )
    member = models.ForeignKey(
        StaffMember, verbose_name=_("agent"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    cause = models.CharField(_("cause"), max_length=8, choices=Cause.choices)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    note = models.CharField(_("reason"), max_length=500, blank=True)
    swap = models.ForeignKey(
        SwapRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    leave = models.ForeignKey(
        LeaveRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rota change")
        verbose_name_plural = _("rota changes")
        ordering = ["rota", "-at"]
        indexes = [models.Index(fields=["rota", "day"], name="workforce_change_day_idx")]
