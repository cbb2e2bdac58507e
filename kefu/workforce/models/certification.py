"""Certification per queue (持证上岗, seed 000 第3篇: 通过技能培训考试, 持证上岗; issue 20
point 2): a queue may require a certification, and a person holds one for a queue from the
day it was granted until it expires or is revoked by hand. The rota does not put a person
on a queue that requires a certification they do not hold (`services.rota.rota_problem`).
Certifications are written by supervision's exam service when a person passes an exam that
certifies the queue, or granted and revoked by hand from supervision's certification page; workforce
keeps and checks them, never deleting one (the rows are the history)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.telephony.models import Queue


class CertifiedQueue(models.Model):
    """A queue that only certified people may take calls on."""

    queue = models.OneToOneField(
        Queue, verbose_name=_("queue"), on_delete=models.CASCADE, related_name="+"
    )
    required_since = models.DateField(_("certification required since"))

    class Meta:
        verbose_name = _("queue requiring certification")
        verbose_name_plural = _("queues requiring certification")

    def __str__(self) -> str:
        return str(self.queue)


class Certification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="certifications",
    )
    queue = models.ForeignKey(
        Queue, verbose_name=_("queue"), on_delete=models.CASCADE, related_name="+"
    )
    granted_on = models.DateField(_("granted on"))
    expires_on = models.DateField(_("expires on"))
    source = models.CharField(_("granted for"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    # Who granted it by hand (None: an exam passed granted it).
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A revoked certification covers no day from `revoked_on` on; the row stays, as history.
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = models.CharField(_("why revoked"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["-granted_on", "-id"]
        indexes = [
            models.Index(fields=["user", "queue", "expires_on"], name="workforce_cert_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gte=models.F("granted_on")),
                name="workforce_cert_expires_after_grant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.queue}"
