"""Scorecards (质检评分表, issue 18 point 1): a centre's forms of sections and items with
weights, fatal items and not-applicable answers, kept in versions so that a score given on
an old version stays explainable after the form changes."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import OrgUnit
from kefu.quality import scoring


class Scorecard(models.Model):
    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    appeal_days = models.PositiveSmallIntegerField(
        _("days to acknowledge or appeal"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="scorecard_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class VersionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("In use")
    RETIRED = "retired", _("Retired")


class Version(models.Model):
    """What every kept-in-versions thing of the quality app has (a scorecard's versions,
    the standard phrases'): a draft is edited; publishing it retires the version in use;
    a published or retired version never changes."""

    number = models.PositiveIntegerField(_("version"))
    state = models.CharField(
        _("state"), max_length=12, choices=VersionState.choices, default=VersionState.DRAFT
    )
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True


class ScorecardVersion(Version):
    """One version of a scorecard; scores were given on the published and retired ones."""

    scorecard = models.ForeignKey(
        Scorecard, verbose_name=_("scorecard"), on_delete=models.CASCADE, related_name="versions"
    )

    class Meta:
        verbose_name = _("scorecard version")
        verbose_name_plural = _("scorecard versions")
        ordering = ["scorecard", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["scorecard", "number"], name="scorecard_version_unique_number"
            ),
            # One version in use and one draft at a time.
            models.UniqueConstraint(
                fields=["scorecard", "state"],
                condition=models.Q(state__in=["draft", "published"]),
                name="scorecard_version_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard} v{self.number}"


class ScorecardSection(models.Model):
    version = models.ForeignKey(
        ScorecardVersion,
        verbose_name=_("scorecard version"),
        on_delete=models.CASCADE,
        related_name="sections",
    )
    title = models.CharField(_("title"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("scorecard section")
        verbose_name_plural = _("scorecard sections")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class ScorecardItem(models.Model):
    """One thing the inspector judges. ``auto_check`` names the automatic transcript check
    (a rule family of `kefu.quality.checks`) whose result pre-fills it."""

    section = models.ForeignKey(
        ScorecardSection, verbose_name=_("section"), on_delete=models.CASCADE, related_name="items"
    )
    text = models.CharField(_("item"), max_length=200)
    guidance = models.TextField(_("how to judge"), blank=True)
    weight = models.PositiveSmallIntegerField(_("points"), default=10)
    fatal = models.BooleanField(
        _("fatal"),
        default=False,
        help_text=_("Not met scores the whole contact 0."),
    )
    allow_na = models.BooleanField(_("may be not applicable"), default=False)
    auto_check = models.CharField(_("automatic check"), max_length=32, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("scorecard item")
        verbose_name_plural = _("scorecard items")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text

    def rule(self) -> scoring.ItemRule:
        """What scoring needs of the item (`kefu.quality.scoring`)."""
        return scoring.ItemRule(self.pk, self.weight, self.fatal, self.allow_na)
