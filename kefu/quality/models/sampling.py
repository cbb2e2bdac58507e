"""Sampling plans and the inspectors' queues (抽检, issue 18 point 2): how many contacts
of each agent are listened to a month, which are always listened to, and the contacts
drawn for each inspector."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Contact
from kefu.core.models import OrgUnit
from kefu.quality.models.evaluations import Evaluation
from kefu.quality.models.scorecards import Scorecard


class SamplingPlan(models.Model):
    """A centre's plan, or a team's own (which then replaces the centre's for that team)."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        OrgUnit,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: every team without a plan of its own."),
    )
    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("scorecard"), on_delete=models.PROTECT, related_name="+"
    )
    per_agent = models.PositiveSmallIntegerField(
        _("contacts per agent a month"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    per_new_agent = models.PositiveSmallIntegerField(
        _("contacts per new agent a month"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    new_agent_days = models.PositiveSmallIntegerField(
        _("an agent is new for (days)"),
        default=90,
        validators=[MaxValueValidator(365)],
    )
    flagged_below = models.PositiveSmallIntegerField(
        _("always listen below this automatic score"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Contacts whose transcript the automatic checks scored lower. Empty: none."),
    )
    with_complaints = models.BooleanField(
        _("always listen to contacts that opened a complaint"), default=True
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("sampling plan")
        verbose_name_plural = _("sampling plans")
        ordering = ["centre", "team", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "team"],
                condition=models.Q(active=True, team__isnull=False),
                name="sampling_plan_one_per_team",
            ),
            models.UniqueConstraint(
                fields=["centre"],
                condition=models.Q(active=True, team__isnull=True),
                name="sampling_plan_one_per_centre",
            ),
        ]

    def __str__(self) -> str:
        return str(self.team or self.centre)


class SampleReason(models.TextChoices):
    RANDOM = "random", _("Random draw")
    NEW_AGENT = "new_agent", _("New agent")
    COMPLAINT = "complaint", _("Opened a complaint")
    FLAGGED = "flagged", _("Flagged by the automatic checks")
    CHOSEN = "chosen", _("Chosen by an inspector")


class SampleState(models.TextChoices):
    OPEN = "open", _("To score")
    SCORED = "scored", _("Scored")
    SKIPPED = "skipped", _("Skipped")


class SampleItem(models.Model):
    """A contact drawn for an inspector to score: the QA queue (质检队列)."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.PROTECT, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    plan = models.ForeignKey(
        SamplingPlan,
        verbose_name=_("sampling plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    reason = models.CharField(_("why"), max_length=12, choices=SampleReason.choices)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.PROTECT,
        related_name="quality_queue",
    )
    drawn_at = models.DateTimeField(_("drawn"))
    month = models.DateField(_("month"), help_text=_("The first day of the contact's month."))
    state = models.CharField(
        _("state"), max_length=8, choices=SampleState.choices, default=SampleState.OPEN
    )
    skip_reason = models.CharField(_("why skipped"), max_length=200, blank=True)
    evaluation = models.OneToOneField(
        Evaluation,
        verbose_name=_("quality score"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sample",
    )

    class Meta:
        verbose_name = _("sampled contact")
        verbose_name_plural = _("sampled contacts")
        ordering = ["drawn_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contact"], name="sample_item_unique_contact")
        ]
        indexes = [
            models.Index(fields=["inspector", "state"], name="sample_inspector_state_idx"),
            models.Index(fields=["centre", "month", "agent"], name="sample_month_agent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.state}"
