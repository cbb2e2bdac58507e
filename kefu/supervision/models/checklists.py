"""The checklists a round is made against, editable per centre and versioned: saving a
checklist writes a new version, and a round keeps the version it was made against, so an
old round still reads as it was made (issue 20 point 1).

Seed 001 4.2: what a supervisor inspects: the service scene (4.2.1: items in place,
cleanliness), service behaviour (4.2.2), competence (4.2.3) and work records (4.2.4). The
same checklists serve the ten-point site inspections (000 第7篇), mystery visits and calls
(暗访: 002 第1篇 上级领导多次以客户身份不期而至; 003 营业厅暗访检测), the equipment checks
before holidays (000 第5篇 四.4) and a utility's field safety inspections (002 第3篇)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import OrgUnit


class ChecklistKind(models.TextChoices):
    ROUND = "round", _("Supervision round")
    SITE = "site", _("Site inspection")
    MYSTERY = "mystery", _("Mystery visit or call")
    HOLIDAY = "holiday", _("Pre-holiday equipment check")
    SAFETY = "safety", _("Field safety inspection")


class Section(models.TextChoices):
    SCENE = "scene", _("Service scene")
    BEHAVIOUR = "behaviour", _("Service behaviour")
    COMPETENCE = "competence", _("Competence")
    RECORDS = "records", _("Work records")
    EQUIPMENT = "equipment", _("Equipment and facilities")
    SAFETY = "safety", _("Safety hazards")


class Checklist(models.Model):
    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ChecklistKind.choices)
    name = models.CharField(_("name"), max_length=60)
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="supervision_checklist_name")
        ]

    def __str__(self) -> str:
        return self.name


class ChecklistVersion(models.Model):
    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        ordering = ["checklist", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "number"], name="supervision_checklist_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.checklist} v{self.number}"


class ChecklistItem(models.Model):
    version = models.ForeignKey(
        ChecklistVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    section = models.CharField(_("section"), max_length=12, choices=Section.choices)
    text = models.CharField(_("item"), max_length=300)
    points = models.DecimalField(_("points"), max_digits=4, decimal_places=1, default=Decimal(1))
    source = models.CharField(
        _("source"), max_length=40, blank=True, help_text=_("The rule it comes from.")
    )

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="supervision_item_position"
            ),
            models.CheckConstraint(
                condition=models.Q(points__gt=0), name="supervision_item_points_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.text
