from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import OrgUnit, Region
from kefu.customers.models import Customer


class CallReason(models.Model):
    """A node of a centre's call-reason taxonomy.

    Three of the four dimensions live here (the fourth, region, is `core.Region`);
    service contents hang under the business type they belong to.
    """

    class Dimension(models.TextChoices):
        CUSTOMER_ATTRIBUTE = "customer_attribute", _("Customer attribute")
        BUSINESS_TYPE = "business_type", _("Business type")
        SERVICE_CONTENT = "service_content", _("Service content")

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    dimension = models.CharField(_("dimension"), max_length=24, choices=Dimension.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("call reason")
        verbose_name_plural = _("call reasons")
        ordering = ["dimension", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "dimension", "code"], name="call_reason_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    WEB = "web", _("Web")
    APP = "app", _("App")
    WECHAT = "wechat", _("WeChat")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    COUNTER = "counter", _("Counter")
    OUTBOUND = "outbound", _("Outbound")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class Contact(models.Model):
    """One interaction with a customer (or an unknown caller) on one channel."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.INBOUND
    )
    caller_number = models.CharField(_("caller number"), max_length=16, blank=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    customer_attribute = models.ForeignKey(
        CallReason,
        verbose_name=_("customer attribute"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    business_type = models.ForeignKey(
        CallReason,
        verbose_name=_("business type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    service_content = models.ForeignKey(
        CallReason,
        verbose_name=_("service content"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.TextField(_("summary"), blank=True)
    settled = models.BooleanField(_("settled on contact"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["centre", "-started_at"], name="contact_centre_started_idx"),
            models.Index(fields=["customer", "-started_at"], name="contact_customer_started_idx"),
            models.Index(fields=["caller_number"], name="contact_caller_idx"),
            models.Index(fields=["agent", "-started_at"], name="contact_agent_started_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.started_at:%Y-%m-%d %H:%M}"
