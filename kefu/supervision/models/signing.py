"""Signing a review meeting's minutes (issue 20 point 6; seed 002 第14篇 全体员工 3:
会议记录……整理成书面文档,交与会者签名确认后存档备查): each attendee confirms the written
minutes; once the first has signed the minutes are frozen, and a correction (with its
reason and the text it replaced) re-opens the signing as a new round."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.supervision.models.work_reports import Meeting


class MinutesSignature(models.Model):
    """One attendee's confirmation of the minutes as they stood in one signing round
    (round 0 is the first text; each correction starts the next)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="signatures")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    round = models.PositiveSmallIntegerField(_("signing round"), default=0)
    signed_at = models.DateTimeField(_("signed"), auto_now_add=True)

    class Meta:
        verbose_name = _("minutes signature")
        verbose_name_plural = _("minutes signatures")
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person", "round"], name="supervision_minutes_signed_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.person_id}:{self.round}"


class MinutesCorrection(models.Model):
    """A correction of frozen minutes: who, when, why, and the text it replaced; it opens
    signing round `round`."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="corrections")
    round = models.PositiveSmallIntegerField(_("signing round"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("corrected"), auto_now_add=True)
    reason = models.CharField(_("reason for the correction"), max_length=500)
    minutes_before = models.TextField(_("minutes before"), max_length=10000, blank=True)
    decisions_before = models.TextField(_("decisions before"), max_length=5000, blank=True)
    signed_before = models.PositiveSmallIntegerField(_("signatures before"), default=0)

    class Meta:
        verbose_name = _("minutes correction")
        verbose_name_plural = _("minutes corrections")
        ordering = ["round"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "round"], name="supervision_minutes_round_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.round}"
