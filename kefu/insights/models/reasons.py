"""Call-reason suggestions (issue 21 point 2): the model trained on a centre's own
classified contacts, the centre's setting of how sure a suggestion must be, and what was
suggested on the workbench, matched afterwards with the reason the agent saved."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Contact
from kefu.core.models import OrgUnit


class ReasonModel(models.Model):
    """One training of a centre's model: the arrays that serve (`kefu.insights.reasons.
    Model.to_bytes`, a .npz read without pickle) and its figures on the held-out split.
    The newest row of a centre serves; older ones stay as the model's history."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    trained_at = models.DateTimeField(_("trained"))
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trained by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    size = models.PositiveIntegerField(_("contacts trained on"))
    reasons = models.PositiveIntegerField(_("call reasons learnt"))
    held_out = models.PositiveIntegerField(_("held-out contacts"))
    top1 = models.FloatField(_("top-1 accuracy"))
    top3 = models.FloatField(_("top-3 accuracy"))
    # [{"reason": id, "support": n, "recall": r}, …] on the held-out split.
    per_reason = models.JSONField(_("recall per reason"), default=list)
    data = models.BinaryField(_("model"))

    class Meta:
        verbose_name = _("call-reason model")
        verbose_name_plural = _("call-reason models")
        ordering = ["-trained_at", "-id"]
        indexes = [models.Index(fields=["centre", "-trained_at"], name="reason_model_centre_idx")]
        permissions = [
            ("manage_reason_model", _("Can train the call-reason model and set its threshold")),
        ]

    def __str__(self) -> str:
        return f"{self.centre_id} {self.trained_at:%Y-%m-%d %H:%M}"


class ReasonSettings(models.Model):
    """A centre's setting: no suggestion less sure than `threshold`."""

    centre = models.OneToOneField(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    threshold = models.DecimalField(
        _("lowest confidence shown"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.15"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("0.99"))],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("call-reason suggestion setting")
        verbose_name_plural = _("call-reason suggestion settings")

    def __str__(self) -> str:
        return f"{self.centre_id}: {self.threshold}"


class SuggestionOutcome(models.TextChoices):
    TOP1 = "top1", _("The first suggestion")
    TOP3 = "top3", _("Another of the three")
    NONE = "none", _("None of them")


class ReasonSuggestion(models.Model):
    """What the workbench last suggested on one rendering of the contact form (`session`,
    the form's own one-time token), matched with the contact the agent then saved: was the
    reason saved the first suggestion, another of the three, or none of them. The contacts
    app knows nothing of it (kefu/insights/receivers.py matches on the contact's save)."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    session = models.CharField(max_length=64)
    model = models.ForeignKey(
        ReasonModel, verbose_name=_("call-reason model"), null=True, on_delete=models.SET_NULL
    )
    summary = models.TextField(_("summary"), max_length=2000)
    # The reasons shown, likeliest first: [{"reason": id, "confidence": c}, …].
    shown = models.JSONField(_("suggested"), default=list)
    updated_at = models.DateTimeField(_("suggested at"))
    contact = models.OneToOneField(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    outcome = models.CharField(
        _("outcome"), max_length=4, choices=SuggestionOutcome.choices, blank=True
    )

    class Meta:
        verbose_name = _("call-reason suggestion")
        verbose_name_plural = _("call-reason suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "session"], name="reason_suggestion_unique_session"
            )
        ]
        indexes = [
            models.Index(fields=["agent", "-updated_at"], name="reason_suggestion_agent_idx"),
            models.Index(fields=["centre", "-updated_at"], name="reason_suggestion_centre_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.session}"
