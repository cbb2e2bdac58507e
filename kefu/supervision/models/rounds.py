"""Supervision rounds (issue 20 point 1; seed 001 4.2–4.5): who inspected, when, where,
against which checklist version, each item's result; the findings, each with what was
corrected on the spot (001 4.1.4), their photos, the rectification they call for with an
owner, a deadline and a re-check (001 4.1.3); the records drawn for a spot check (4.4.1.2)
and the questions put to staff (4.4.2.1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Contact
from kefu.core.models import OrgUnit
from kefu.supervision.models.checklists import ChecklistItem, ChecklistVersion
from kefu.tickets.models import Ticket


class RoundKind(models.TextChoices):
    PATROL = "patrol", _("Daily round")
    SPOT_CHECK = "spot_check", _("Spot check")
    SITE = "site", _("Site inspection")
    MYSTERY_VISIT = "mystery_visit", _("Mystery visit")
    MYSTERY_CALL = "mystery_call", _("Mystery call")
    HOLIDAY = "holiday", _("Pre-holiday equipment check")
    SAFETY = "safety", _("Field safety inspection")


class RoundState(models.TextChoices):
    OPEN = "open", _("In progress")
    DONE = "done", _("Finished")


class ResultChoice(models.TextChoices):
    PASS = "pass", _("Meets the standard")
    FAIL = "fail", _("Falls short")
    NOT_APPLICABLE = "na", _("Not applicable")


class Round(models.Model):
    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=14, choices=RoundKind.choices)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ForeignKey(
        OrgUnit,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.CharField(_("place"), max_length=100, blank=True)
    checklist_version = models.ForeignKey(
        ChecklistVersion, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="+"
    )
    unannounced = models.BooleanField(_("unannounced"), default=False)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=6, choices=RoundState.choices, default=RoundState.OPEN
    )
    score = models.DecimalField(
        _("score out of 10"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision round")
        verbose_name_plural = _("supervision rounds")
        ordering = ["-started_at", "-id"]
        permissions = [
            ("view_supervision", _("Can see supervision rounds and their compliance")),
            ("make_rounds", _("Can make supervision rounds")),
            ("spot_check", _("Can make spot checks and mystery visits")),
            ("manage_checklists", _("Can keep the supervision checklists")),
            ("rectify", _("Can report the rectifications they own")),
        ]
        indexes = [
            models.Index(fields=["centre", "started_at"], name="supervision_round_at_idx"),
            models.Index(fields=["inspector", "started_at"], name="supervision_round_who_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"


class ItemResult(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=4, choices=ResultChoice.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("item result")
        verbose_name_plural = _("item results")
        constraints = [
            models.UniqueConstraint(fields=["round", "item"], name="supervision_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.result}"


class Finding(models.Model):
    """Something that fell short, and what the inspector did about it there and then:
    001 4.1.4 (当场予以纠正,示范指导,杜绝只查不帮): a finding without its on-the-spot
    correction is refused, by the service and by the database."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("checklist item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("what was found"), max_length=1000)
    correction = models.TextField(_("corrected on the spot"), max_length=1000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(correction=""), name="supervision_finding_corrected"
            )
        ]

    def __str__(self) -> str:
        return self.description[:40]


def _photo_path(photo: FindingPhoto, name: str) -> str:
    return f"supervision/{photo.finding.round_id}/{photo.finding_id}/{name}"


class FindingPhoto(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to=_photo_path, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("finding photo")
        verbose_name_plural = _("finding photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class RectificationState(models.TextChoices):
    OPEN = "open", _("To rectify")
    REPORTED = "reported", _("Reported done, awaiting re-check")
    CLOSED = "closed", _("Closed after re-check")


class Rectification(models.Model):
    """A rectification task (整改; for a field safety inspection, the hazard-rectification
    notice 安全隐患整改通知书 of 002 第3篇): what must change, who, by when; the owner
    reports it done and the inspector's re-check closes it or sends it back (001 4.1.3)."""

    finding = models.OneToOneField(Finding, on_delete=models.CASCADE, related_name="rectification")
    centre = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    requirement = models.TextField(_("what must change"), max_length=1000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"))
    state = models.CharField(
        _("state"), max_length=8, choices=RectificationState.choices, default="open"
    )
    reopened = models.PositiveSmallIntegerField(_("times sent back"), default=0)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["centre", "state", "deadline"], name="supervision_rect_open_idx"),
            models.Index(fields=["owner", "state"], name="supervision_rect_owner_idx"),
        ]

    def __str__(self) -> str:
        return self.requirement[:40]


class RectificationAction(models.TextChoices):
    OPENED = "opened", _("Set")
    REPORTED = "reported", _("Reported done")
    CLOSED = "closed", _("Re-checked and closed")
    REOPENED = "reopened", _("Re-checked and sent back")


class RectificationEvent(models.Model):
    rectification = models.ForeignKey(
        Rectification, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=8, choices=RectificationAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("rectification event")
        verbose_name_plural = _("rectification events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.action


class RecordKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint record")
    CALLBACK = "callback", _("Callback record")
    REPAIR = "repair", _("Repair record")


class Verdict(models.TextChoices):
    PENDING = "pending", _("Not yet checked")
    GOOD = "good", _("In order")
    FAULTY = "faulty", _("Not in order")


class SampledRecord(models.Model):
    """A record drawn for a spot check (001 4.4.1.2): a complaint or repair work order, or
    a callback (an outbound contact); `seed` is the draw's, so it can be repeated."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(_("kind"), max_length=10, choices=RecordKind.choices)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seed = models.BigIntegerField(_("draw seed"))
    verdict = models.CharField(
        _("verdict"), max_length=8, choices=Verdict.choices, default=Verdict.PENDING
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("sampled record")
        verbose_name_plural = _("sampled records")
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ticket__isnull=True) ^ models.Q(contact__isnull=True),
                name="supervision_record_one_source",
            ),
            models.UniqueConstraint(fields=["round", "ticket"], name="supervision_record_ticket"),
            models.UniqueConstraint(fields=["round", "contact"], name="supervision_record_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.ticket_id or self.contact_id}"


class AnswerVerdict(models.TextChoices):
    CORRECT = "correct", _("Correct")
    PARTLY = "partly", _("Partly correct")
    WRONG = "wrong", _("Wrong")


class StaffQuestion(models.Model):
    """A question put to a staff member during a round (抽问, 001 4.4.2.1), their answer
    and the verdict."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="questions")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer given"), max_length=1000)
    verdict = models.CharField(_("verdict"), max_length=8, choices=AnswerVerdict.choices)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("question to staff")
        verbose_name_plural = _("questions to staff")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.question[:40]
