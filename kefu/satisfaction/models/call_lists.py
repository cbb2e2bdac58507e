"""Outbound call lists (外呼名单, issue 19 point 5): a campaign of calls a centre makes to
customers it chose by a rule of the campaign's purpose (a thank-you within a week of a
connection, 002 第2篇; a market survey; a care call to high-value customers whose
activity changed, 003 一(二)3) or by a list of account numbers. Each call is a
`CallbackTask` of kind `list`, worked by the centre's agents with the callbacks'
attempts, outcomes, limits and back-off."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import CallReason
from kefu.core.models import OrgUnit, Region
from kefu.customers.models import Tier
from kefu.satisfaction.models.callbacks import Assignment
from kefu.satisfaction.models.surveys import SurveyTemplate


class CallListPurpose(models.TextChoices):
    THANK_YOU = "thank_you", _("Thank-you call")
    SURVEY = "survey", _("Market survey")
    CARE = "care", _("Care call")
    OTHER = "other", _("Other")


class FillRule(models.TextChoices):
    """Whom a list draws when it is filled (account numbers can be added to any list)."""

    CLOSED_ORDERS = "closed_orders", _("Work orders of a business type closed in the last 7 days")
    NEW_CUSTOMERS = "new_customers", _("Customers created in the last 7 days")
    ACTIVITY_CHANGE = "activity_change", _("Customers of a tier whose contacts changed sharply")
    SAMPLE = "sample", _("A random sample of customers")
    ACCOUNTS = "accounts", _("Only the account numbers given")


class CallListState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CallList(models.Model):
    """One campaign: its purpose and rule, the script and the survey recorded on the call,
    the date it is to be done by, the attempts and back-off of each call, and who works
    it (the agents of a team, or of the whole centre)."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=16, choices=CallListPurpose.choices)
    fill_rule = models.CharField(_("fill rule"), max_length=16, choices=FillRule.choices)
    # The rule's terms: the business type of a thank-you's work orders, the tier of a
    # care list, the region and tier and size of a survey's sample.
    business_type = models.ForeignKey(
        CallReason,
        verbose_name=_("business type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sample_size = models.PositiveIntegerField(_("sample size"), default=0)
    script = models.TextField(_("script"), blank=True)
    survey = models.ForeignKey(
        SurveyTemplate,
        verbose_name=_("survey"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_on = models.DateField(_("to be done by"))
    max_attempts = models.PositiveSmallIntegerField(_("attempts at most"), default=3)
    retry_hours = models.PositiveSmallIntegerField(_("hours before calling again"), default=4)
    team = models.ForeignKey(
        OrgUnit,
        verbose_name=_("worked by team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignment = models.CharField(
        _("assignment"), max_length=16, choices=Assignment.choices, default=Assignment.ROUND_ROBIN
    )
    # Round robin: whom the last call went to.
    last_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=8, choices=CallListState.choices, default=CallListState.OPEN
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"))
    filled_at = models.DateTimeField(_("last filled"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound list")
        verbose_name_plural = _("outbound lists")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="sat_call_list_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
