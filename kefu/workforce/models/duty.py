"""The team leader's duty log (值班记录) and the handover (交接班), 002 第15篇 3.4.

A leader on duty keeps a log of their shift (`DutyLog`: the centre, the shift's start and
end, the leader): what happened, what stays open, equipment found broken (`DutyEntry`,
each with its time and kind, optionally the work order it is about). Entries are evidence:
only ever added, never changed.

When the shift ends the outgoing leader prepares the handover (`Handover`): the matters
to watch (应注意事项) and the problems left over (遗留问题, the log's open issues) written
down (3.4.2.2, 3.4.2.4), with the work orders in warning or overdue at that moment kept as
a snapshot. The incoming leader reads it and acknowledges with a note of what they found
(3.4.1.2–3.4.1.4); both names and times are recorded (3.4.1.5), the outgoing leader may
then leave (3.4.2.3), and the log is read-only from then on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kefu.core.models import AppendOnly, OrgUnit
from kefu.tickets.models import Ticket


class DutyLogState(models.TextChoices):
    OPEN = "open", _("On duty")
    HANDING_OVER = "handing_over", _("Waiting for the incoming leader")
    HANDED_OVER = "handed_over", _("Handed over")


class DutyEntryKind(models.TextChoices):
    """What a duty-log line records (002 第15篇 3.4.2.2, 3.4.2.4, 3.4.1.2)."""

    EVENT = "event", _("Event")
    OPEN_ISSUE = "open_issue", _("Open issue")
    EQUIPMENT = "equipment", _("Equipment problem")
    OTHER = "other", _("Other")


class DutyLog(models.Model):
    """One leader's shift on duty in a centre. Open while the leader writes it; once the
    handover is prepared it takes no more entries; once acknowledged it is read-only."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader on duty"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_at = models.DateTimeField(_("shift starts"))
    ends_at = models.DateTimeField(_("shift ends"))
    state = models.CharField(
        _("state"), max_length=16, choices=DutyLogState.choices, default=DutyLogState.OPEN
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("duty log")
        verbose_name_plural = _("duty logs")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["centre", "starts_at"], name="workforce_dutylog_day_idx")]
        constraints = [
            # A leader keeps one log at a time: the one not yet handed over.
            models.UniqueConstraint(
                fields=["leader"],
                condition=~Q(state="handed_over"),
                name="workforce_dutylog_one_open",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="workforce_dutylog_span"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leader} {self.starts_at:%Y-%m-%d %H:%M}"


class DutyEntry(AppendOnly):
    """One line of a duty log: when, what kind, what; never changed once written."""

    log = models.ForeignKey(
        DutyLog, verbose_name=_("duty log"), on_delete=models.PROTECT, related_name="entries"
    )
    at = models.DateTimeField(_("time"))
    kind = models.CharField(_("kind"), max_length=16, choices=DutyEntryKind.choices)
    text = models.CharField(_("what happened"), max_length=1000)
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # An open issue the previous shift handed over, carried into this log (3.4.1.3).
    carried_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("duty-log entry")
        verbose_name_plural = _("duty-log entries")
        ordering = ["log", "at", "id"]
        indexes = [models.Index(fields=["log", "at"], name="workforce_dutyentry_at_idx")]

    def __str__(self) -> str:
        return self.text[:50]


class Handover(models.Model):
    """The handover of a duty log (交接班, 002 第15篇 3.4): prepared by the outgoing
    leader with the matters to watch and a snapshot of the orders in warning or overdue
    (`orders`: `[{"number", "title", "state", "status", "due_at"}]`), acknowledged once by
    the incoming leader with their note. Both names and both times stay recorded."""

    log = models.OneToOneField(
        DutyLog, verbose_name=_("duty log"), on_delete=models.PROTECT, related_name="handover"
    )
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("outgoing leader"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    handed_at = models.DateTimeField(_("handed over at"))
    notes = models.CharField(_("matters to watch"), max_length=2000)
    orders = models.JSONField(_("orders in warning or overdue"), default=list, blank=True)
    incoming = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("incoming leader"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledgement_note = models.CharField(
        _("incoming leader's note"), max_length=2000, blank=True
    )

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        indexes = [
            models.Index(fields=["incoming", "acknowledged_at"], name="workforce_handover_in_idx")
        ]

    def __str__(self) -> str:
        return f"{self.handed_by} → {self.incoming}"
