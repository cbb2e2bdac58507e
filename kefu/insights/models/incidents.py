"""Major incidents (重大故障, issue 21 point 1; seeds 000 第8篇 instant feedback of mass
faults): a spike of fault contacts in a region, found by the spike detection or opened by
a leader, answered with one script, handled once by the department on duty and closed with
one reply to every affected customer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.contacts.models import CallReason, Contact
from kefu.core.models import OrgUnit, Region
from kefu.satisfaction.models import Notice
from kefu.tickets.models import Ticket


class IncidentState(models.TextChoices):
    OPEN = "open", _("Being handled")
    CLOSED = "closed", _("Closed")
    DISMISSED = "dismissed", _("Dismissed")


class IncidentOrigin(models.TextChoices):
    DETECTED = "detected", _("Found by the spike detection")
    MANUAL = "manual", _("Opened by hand")


class SpikeRule(models.Model):
    """When a count of fault contacts in a 15-minute step is a spike: at least
    `min_count`, and at least `ratio` times the baseline for that weekday, hour and day
    type. A rule with no region or no reason applies to all of them."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.CASCADE
    )
    reason = models.ForeignKey(
        CallReason,
        verbose_name=_("call reason"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    min_count = models.PositiveIntegerField(_("minimum count"), default=20)
    ratio = models.DecimalField(_("times the baseline"), max_digits=5, decimal_places=2, default=3)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("spike rule")
        verbose_name_plural = _("spike rules")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "region", "reason"], name="spike_rule_unique_scope"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region or '*'} / {self.reason or '*'}"


class Incident(models.Model):
    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=100)
    state = models.CharField(
        _("state"), max_length=10, choices=IncidentState.choices, default=IncidentState.OPEN
    )
    origin = models.CharField(_("origin"), max_length=10, choices=IncidentOrigin.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    reason = models.ForeignKey(
        CallReason,
        verbose_name=_("call reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The 15-minute step whose count crossed the rule, with the count and the baseline
    # it was judged against (empty for an incident opened by hand).
    step_start = models.DateTimeField(_("15-minute step"), null=True, blank=True)
    observed = models.PositiveIntegerField(_("contacts in the step"), null=True, blank=True)
    baseline = models.FloatField(_("baseline"), null=True, blank=True)
    # Fault contacts and orders of its region and reason from its step on, raised by the
    # detection each minute while it is open (a later step raises it, it opens nothing).
    fault_count = models.PositiveIntegerField(_("fault contacts since"), default=0)
    opened_at = models.DateTimeField(_("opened"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        OrgUnit,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    script = models.TextField(_("what agents tell callers"), max_length=1000, blank=True)
    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # The one order the department handles for every caller.
    order = models.ForeignKey(
        Ticket,
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reply = models.TextField(_("reply to customers"), max_length=500, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("incident", "closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Bumped by every change: a change made on a stale read is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("major incident")
        verbose_name_plural = _("major incidents")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["centre", "state", "-opened_at"], name="incident_centre_state_idx")
        ]
        constraints = [
            # One open incident per region and reason: the detection's concurrent runs
            # (and a leader's manual open) meet here, and the second is the first one.
            models.UniqueConstraint(
                fields=["centre", "region", "reason"],
                condition=models.Q(state="open"),
                name="incident_one_open_per_scope",
            )
        ]
        permissions = [
            ("view_incidents", _("Can see major incidents")),
            ("manage_incidents", _("Can open, handle and close major incidents")),
        ]

    def __str__(self) -> str:
        return self.title


class IncidentContact(models.Model):
    """A caller's contact attached to the incident (by an agent, or on its suggestion)."""

    incident = models.ForeignKey(
        Incident,
        verbose_name=_("major incident"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    contact = models.OneToOneField(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="+"
    )
    attached_at = models.DateTimeField(_("attached"))
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attached by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("incident contact")
        verbose_name_plural = _("incident contacts")

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.contact_id}"


class IncidentOrder(models.Model):
    """A child order: closed with the incident, its customer told by the one reply."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("major incident"), on_delete=models.CASCADE, related_name="orders"
    )
    ticket = models.OneToOneField(
        Ticket, verbose_name=_("work order"), on_delete=models.CASCADE, related_name="+"
    )
    attached_at = models.DateTimeField(_("attached"))

    class Meta:
        verbose_name = _("incident order")
        verbose_name_plural = _("incident orders")

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.ticket_id}"
