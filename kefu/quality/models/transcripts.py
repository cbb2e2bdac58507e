"""Call transcripts and their automatic checks (issue 18 point 7): the speaker-labelled
sentences a speech-recognition service delivered for a contact, with the hits and the
score the centre's rule set gave them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Contact
from kefu.core.models import OrgUnit


class Transcript(models.Model):
    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    contact = models.OneToOneField(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="transcript"
    )
    # kefu's transcript format: {"sentences": [{"speaker", "start", "end", "text"}, …]}
    sentences = models.JSONField(_("sentences"))
    source = models.CharField(_("source"), max_length=16)
    imported_at = models.DateTimeField(_("imported"))
    # [{"rule", "family", "sentence", "start", "text", "found"}, …] as the checks gave them.
    hits = models.JSONField(_("automatic hits"), default=list)
    auto_score = models.PositiveSmallIntegerField(_("automatic score"))

    class Meta:
        verbose_name = _("transcript")
        verbose_name_plural = _("transcripts")
        indexes = [
            models.Index(fields=["centre", "auto_score"], name="transcript_centre_score_idx")
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.auto_score}"


class RuleSwitch(models.Model):
    """Whether one family of the automatic checks counts in a centre: a rule goes live (or
    is taken off) by an inspector who has read its precision on the centre's confirmed
    scores. Without a row, a family of the default rule set is live."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    family = models.CharField(_("automatic check"), max_length=32)
    live = models.BooleanField(_("live"), default=True)
    changed_by = models.ForeignKey(
        "core.User", verbose_name=_("changed by"), on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("automatic check switch")
        verbose_name_plural = _("automatic check switches")
        constraints = [
            models.UniqueConstraint(fields=["centre", "family"], name="rule_switch_unique")
        ]

    def __str__(self) -> str:
        return f"{self.family} {self.live}"
