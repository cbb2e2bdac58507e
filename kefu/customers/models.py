from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import OrgUnit, Region


class Tier(models.TextChoices):
    SPECIAL = "special", _("Special customer")
    VIP = "vip", _("VIP")
    HIGH_VALUE = "high_value", _("High-value")
    GENERAL = "general", _("General")


class Tag(models.Model):
    """A label on customers; `sensitive` and `dissatisfied` change how they are served."""

    SENSITIVE = "sensitive"
    DISSATISFIED = "dissatisfied"
    # Tags that must catch an agent's eye before the first word is said.
    HIGHLIGHTED = frozenset({SENSITIVE, DISSATISFIED})

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100, db_index=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True, db_index=True)
    account_number = models.CharField(
        _("account number"), max_length=32, null=True, blank=True, unique=True
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.GENERAL)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-id"]
        permissions = [
            ("view_personal_data", _("Can view unmasked personal data")),
            ("check_identity", _("Can run the three-field identity check")),
        ]

    def __str__(self) -> str:
        return self.name


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", _("Mobile")
    FIXED = "fixed", _("Fixed line")


class CustomerPhone(models.Model):
    """One of a customer's numbers, stored normalised so any written form finds it."""

    Kind = PhoneKind

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("number"), max_length=16, db_index=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "number"], name="customer_phone_unique")
        ]

    def __str__(self) -> str:
        return self.number
