"""Calibration sessions (校准, issue 18 point 5): several inspectors score the same
contacts blind, then see the spread per item and their agreement with the reference
score."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Contact
from kefu.core.models import OrgUnit
from kefu.quality.models.scorecards import ScorecardVersion


class CalibrationState(models.TextChoices):
    OPEN = "open", _("Scoring (blind)")
    REVEALED = "revealed", _("Results shown")


class CalibrationSession(models.Model):
    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=100)
    version = models.ForeignKey(
        ScorecardVersion,
        verbose_name=_("scorecard version"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    contacts = models.ManyToManyField(Contact, verbose_name=_("contacts"), related_name="+")
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), related_name="calibrations"
    )
    # Whose scores are the reference the others are measured against.
    reference = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reference scorer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=CalibrationState.choices, default=CalibrationState.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"))
    revealed_at = models.DateTimeField(_("results shown"), null=True, blank=True)

    class Meta:
        verbose_name = _("calibration session")
        verbose_name_plural = _("calibration sessions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
