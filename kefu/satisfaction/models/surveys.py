"""Surveys (issue 19 point 2): templates of questions about one touchpoint, kept in
versions that no longer change once sent; invitations to one customer with a single-use
link (only its hash stored) or a digit reply, recorded by an agent or imported from the
IVR; the answers; the conversations an agent chose not to survey; and the monthly paper
questionnaires signed with a staff ID and spot-checked by calling a sample back
(000 第7篇)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import OrgUnit
from kefu.customers.models import Customer
from kefu.satisfaction.models.outbound import Message


class Touchpoint(models.TextChoices):
    """What the survey asks about (003: satisfaction by touchpoint)."""

    HOTLINE = "hotline", _("Hotline call")
    WORK_ORDER = "work_order", _("Work order")
    FIELD_REPAIR = "field_repair", _("Field repair")
    SERVICE_HALL = "service_hall", _("Service hall")
    ONLINE = "online", _("Online service")
    OTHER = "other", _("Other")


class QuestionKind(models.TextChoices):
    """The scales (kefu.satisfaction.scores holds their ranges and formulas)."""

    CSAT = "csat", _("Satisfaction (1-5)")
    NPS = "nps", _("Likelihood to recommend (0-10)")
    CES = "ces", _("Customer effort (1-7)")
    TEXT = "text", _("Free text")


class SurveyTrigger(models.TextChoices):
    MANUAL = "manual", _("Sent by hand or through the API")
    AFTER_CONTACT = "after_contact", _("After a contact")
    AFTER_TICKET = "after_ticket", _("When a work order closes")


class SurveyChannel(models.TextChoices):
    SMS = "sms", _("Text message")
    EMAIL = "email", _("E-mail")
    AGENT = "agent", _("Recorded by an agent")
    IVR = "ivr", _("IVR after the call")


class InvitationState(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")
    REFUSED = "refused", _("Not sent")
    DECLINED = "declined", _("Unsubscribed")


class InvitationRefusal(models.TextChoices):
    OPTED_OUT = "opted_out", _("The customer unsubscribed")
    CAPPED = "capped", _("Over the limit of surveys to this customer")
    NO_ADDRESS = "no_address", _("No number or address to send to")


class AnsweredVia(models.TextChoices):
    LINK = "link", _("Survey page")
    REPLY = "reply", _("Replied with a digit")
    AGENT = "agent", _("Told an agent")
    IVR = "ivr", _("IVR")


class SurveyTemplate(models.Model):
    """A survey a centre sends: its name, the touchpoint it asks about, when it is drawn,
    on which channel. Its questions live in versions."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    touchpoint = models.CharField(_("touchpoint"), max_length=16, choices=Touchpoint.choices)
    trigger = models.CharField(
        _("sent"), max_length=16, choices=SurveyTrigger.choices, default=SurveyTrigger.MANUAL
    )
    channel = models.CharField(
        _("channel"), max_length=8, choices=SurveyChannel.choices, default=SurveyChannel.SMS
    )
    delay_hours = models.PositiveSmallIntegerField(_("hours after the event"), default=1)
    expiry_days = models.PositiveSmallIntegerField(_("link valid (days)"), default=7)
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="sat_survey_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class SurveyVersion(models.Model):
    """The texts and questions of a survey as sent. A version with invitations never
    changes, so an old answer is read against the question it answered; an edit after
    the first send makes the next version."""

    template = models.ForeignKey(
        SurveyTemplate, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    intro = models.CharField(_("opening text"), max_length=500)
    thanks = models.CharField(_("closing text"), max_length=200)
    sms_text = models.CharField(
        _("invitation text"),
        max_length=300,
        help_text=_("Sent before the link; ask for a digit reply to the first question."),
    )
    sent = models.BooleanField(_("sent"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("survey version")
        verbose_name_plural = _("survey versions")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="sat_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"


class SurveyQuestion(models.Model):
    version = models.ForeignKey(
        SurveyVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("scale"), max_length=8, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=200)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="sat_question_unique")
        ]

    def __str__(self) -> str:
        return self.text


class Invitation(models.Model):
    """One customer asked one survey once: by a link sent by SMS or e-mail (the link's
    token only as its SHA-256 hash), by a digit reply to the SMS, by an agent on a
    contact, or by the IVR. The staff member whose service it asks about, their team,
    the touchpoint and the work order's kind are copied at sending, so figures do not
    move when a person changes teams."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    version = models.ForeignKey(
        SurveyVersion,
        verbose_name=_("survey version"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    key = models.CharField(max_length=120)
    channel = models.CharField(_("channel"), max_length=8, choices=SurveyChannel.choices)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(_("to"), max_length=254, blank=True)
    token_digest = models.CharField(max_length=64, null=True, blank=True, unique=True)
    message = models.OneToOneField(
        Message,
        verbose_name=_("message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitation",
    )
    touchpoint = models.CharField(_("touchpoint"), max_length=16, choices=Touchpoint.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    staff_number = models.CharField(_("staff ID"), max_length=32, blank=True)
    team = models.ForeignKey(
        OrgUnit,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject_kind = models.CharField(_("work order kind"), max_length=16, blank=True)
    contact_id = models.PositiveBigIntegerField(_("contact"), null=True, blank=True)
    ticket_id = models.PositiveBigIntegerField(_("work order"), null=True, blank=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=InvitationState.choices,
        default=InvitationState.PENDING,
    )
    refusal = models.CharField(
        _("why not sent"), max_length=12, choices=InvitationRefusal.choices, blank=True
    )
    sent_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("expires"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_via = models.CharField(
        _("answered by"), max_length=8, choices=AnsweredVia.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "key"], name="sat_invitation_unique_key")
        ]
        indexes = [
            models.Index(fields=["centre", "sent_at"], name="sat_invitation_sent_idx"),
            models.Index(fields=["customer", "-sent_at"], name="sat_invitation_customer_idx"),
            models.Index(fields=["centre", "address", "-sent_at"], name="sat_invitation_to_idx"),
            models.Index(fields=["centre", "answered_at"], name="sat_invitation_answered_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.version} → {self.address or self.customer_id}"


class SurveyAnswer(models.Model):
    """One question answered: a score on its scale, or text. The kind is copied from the
    question so the figures read one table."""

    invitation = models.ForeignKey(
        Invitation, verbose_name=_("invitation"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        SurveyQuestion, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("scale"), max_length=8, choices=QuestionKind.choices)
    score = models.SmallIntegerField(_("score"), null=True, blank=True)
    text = models.CharField(_("answer"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["invitation", "question"], name="sat_answer_unique")
        ]

    def __str__(self) -> str:
        return self.text or str(self.score)


class SurveySkip(models.Model):
    """An agent chose not to survey this contact or work order (the customer was upset
    about something else, or asked not to be called): the draw passes it by."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=120)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey skipped")
        verbose_name_plural = _("surveys skipped")
        constraints = [
            models.UniqueConstraint(fields=["centre", "key"], name="sat_skip_unique_key")
        ]

    def __str__(self) -> str:
        return self.key


class SpotCheck(models.TextChoices):
    NOT_DRAWN = "", _("Not drawn")
    DRAWN = "drawn", _("To call back")
    CONFIRMED = "confirmed", _("Confirmed by the customer")
    DISPUTED = "disputed", _("Customer says otherwise")
    UNREACHABLE = "unreachable", _("Could not be reached")


class Questionnaire(models.Model):
    """A monthly owner questionnaire on paper, signed with the staff ID of the person it
    rates (000 第7篇), archived here and spot-checked by calling a sample of the owners
    back. The spot check records whether the owner confirms the answer."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"))
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    staff_number = models.CharField(_("staff ID"), max_length=32)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    respondent = models.CharField(_("respondent"), max_length=100)
    phone = models.CharField(_("phone number"), max_length=16)
    score = models.PositiveSmallIntegerField(_("satisfaction (1-5)"))
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    paper_number = models.CharField(_("form number"), max_length=40)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    spot_check = models.CharField(
        _("spot check"), max_length=12, choices=SpotCheck.choices, blank=True, default=""
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    check_note = models.CharField(_("note of the call"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-month", "staff_number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "paper_number"], name="sat_questionnaire_unique_paper"
            )
        ]

    def __str__(self) -> str:
        return self.paper_number
