from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.crypto import blind_index, decrypt, encrypt
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
    # The ID number is never stored in clear (kefu/core/crypto.py): a token that the data
    # keys open, and a keyed digest for exact search. `id_number` below reads and sets both.
    id_number_encrypted = models.TextField(_("ID number (encrypted)"), blank=True, editable=False)
    id_number_index = models.CharField(
        _("ID number (search digest)"), max_length=64, blank=True, db_index=True, editable=False
    )
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
    # Set when the customer's personal data was erased at their request (PIPL).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    # The keyed digest (kefu/core/crypto.py) of the account number an anonymised customer
    # had: the billing system's export still lists the account, and an import must not
    # bring the person back. It finds nobody by the number, as the blind index of ID
    # numbers does.
    account_number_erased = models.CharField(
        _("account number (erased, digest)"),
        max_length=64,
        blank=True,
        editable=False,
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-id"]
        permissions = [
            ("view_personal_data", _("Can view unmasked personal data")),
            ("check_identity", _("Can run the three-field identity check")),
            (
                "handle_personal_data_request",
                _("Can export or anonymise a customer's personal data on request"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number(self) -> str:
        """The ID number in clear, decrypted once per instance."""
        token = self.id_number_encrypted
        cached = self.__dict__.get("_id_number_clear")
        if cached is not None and cached[0] == token:
            return str(cached[1])
        value = decrypt(token)
        self.__dict__["_id_number_clear"] = (token, value)
        return value

    @id_number.setter
    def id_number(self, value: str) -> None:
        self.id_number_encrypted = encrypt(value)
        self.id_number_index = blind_index(value)
        self.__dict__["_id_number_clear"] = (self.id_number_encrypted, value)


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


class RetentionProgress(models.Model):
    """How far the retention sweep has come in one centre: every contact that started, and
    every order that closed, before these instants has been anonymised. Each run starts
    there, so it reads only what expired since, however large the archive."""

    centre = models.OneToOneField(OrgUnit, on_delete=models.CASCADE, related_name="+")
    contacts_before = models.DateTimeField(null=True, blank=True)
    orders_before = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("retention progress")
        verbose_name_plural = _("retention progress")

    def __str__(self) -> str:
        return str(self.centre_id)


def _document_path(instance: CustomerDocument, filename: str) -> str:
    # Stored under a random name, as knowledge attachments are: the original name is kept
    # in the row, never trusted as a path.
    return f"customers/{instance.customer_id}/{uuid.uuid4().hex}"


class CustomerDocument(models.Model):
    """A document kept in the customer's archive: an application form, a contract, a
    certificate. Checked like every upload (kefu.core.filetypes) and read only through
    the customer's access-checked getter."""

    class Kind(models.TextChoices):
        APPLICATION = "application", _("Application")
        CONTRACT = "contract", _("Contract")
        OTHER = "other", _("Other document")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(_("file"), upload_to=_document_path, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer document")
        verbose_name_plural = _("customer documents")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.name


class WatchEntry(models.Model):
    """A caller on the centre's watch list: nuisance or abusive callers (002 第17篇 28),
    flagged to the agent at screen pop with the centre's instruction. Kept by team leaders
    and managers; an entry ends at its expiry or when it is removed, and is never deleted."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("phone number"), max_length=16, db_index=True)
    reason = models.CharField(_("reason"), max_length=200)
    instruction = models.CharField(_("instruction to the agent"), max_length=500)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("watch-list entry")
        verbose_name_plural = _("watch list")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reason
