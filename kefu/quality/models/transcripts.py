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
