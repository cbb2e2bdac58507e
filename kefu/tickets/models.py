from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import CallReason, Contact
from kefu.core.models import OrgUnit, Region, WorkCalendar
from kefu.customers.models import Customer, Tier
from kefu.tickets.lifecycle import Action, CallbackOutcome, State


class TicketKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    QUERY = "query", _("Query")
    BUSINESS = "business", _("Business")
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    FAULT = "fault", _("Fault report")
    PRAISE = "praise", _("Praise")
    HELP = "help", _("Help")


# The API names each enum after its class, so the class name is unique across the apps.
Kind = TicketKind


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    VERY_URGENT = "very_urgent", _("Very urgent")


class EscalationSource(models.TextChoices):
    """Where an escalation (升级) came from. The outside bodies the customer took the
    complaint to make it an escalated complaint (升级投诉 / 越级投诉, GLOSSARY.md);
    the third urge and a raise inside the centre are escalations of another kind and are
    counted apart from it."""

    REGULATOR = "regulator", _("Regulator (e.g. the 12398 energy regulation hotline)")
    GOVERNMENT_HOTLINE = "hotline_12345", _("12345 government service hotline")
    CONSUMER_ASSOCIATION = "consumer_association", _("Consumer association (12315)")
    MANAGEMENT = "management", _("Higher management of the company")
    MEDIA = "media", _("News media")
    OTHER_EXTERNAL = "other_external", _("Another body outside the centre")
    INTERNAL = "internal", _("Raised inside the centre")
    URGE = "urge", _("Third urge (automatic)")


# The sources that make an escalation an escalated complaint: the customer went above
# the centre.
EXTERNAL_ESCALATION_SOURCES = frozenset(
    {
        EscalationSource.REGULATOR,
        EscalationSource.GOVERNMENT_HOTLINE,
        EscalationSource.CONSUMER_ASSOCIATION,
        EscalationSource.MANAGEMENT,
        EscalationSource.MEDIA,
        EscalationSource.OTHER_EXTERNAL,
    }
)

# How the back office gives the customer the answer (回复方式).
REPLY_CHANNEL_CHOICES = [
    ("phone", _("Phone call")),
    ("sms", _("SMS")),
    ("wechat", _("WeChat")),
    ("email", _("E-mail")),
    ("letter", _("Letter")),
    ("visit", _("Visit")),
]
REPLY_CHANNEL_LABELS = dict(REPLY_CHANNEL_CHOICES)

STATE_CHOICES = [
    (State.ACCEPTED.value, _("Accepted")),
    (State.DISPATCHED.value, _("Dispatched")),
    (State.HANDLING.value, _("Handling")),
    (State.RETURNED.value, _("Returned")),
    (State.VERIFIED.value, _("Verified")),
    (State.REPLIED.value, _("Replied")),
    (State.CLOSED.value, _("Closed")),
    (State.CANCELLED.value, _("Cancelled")),
    (State.MERGED.value, _("Merged")),
]
ACTION_CHOICES = [
    ("create", _("Create")),
    (Action.DISPATCH.value, _("Dispatch")),
    (Action.TRANSFER.value, _("Transfer to an expert seat")),
    (Action.HANDLE_IN_CENTRE.value, _("Handle in the centre")),
    (Action.TAKE.value, _("Take")),
    (Action.RETURN.value, _("Return")),
    (Action.VERIFY.value, _("Verify")),
    (Action.REJECT.value, _("Reject")),
    (Action.REPLY.value, _("Reply")),
    (Action.CALLBACK.value, _("Callback")),
    (Action.CLOSE.value, _("Close")),
    (Action.URGE.value, _("Urge")),
    (Action.ESCALATE.value, _("Escalate")),
    (Action.SUSPEND.value, _("Suspend")),
    (Action.RESUME.value, _("Resume")),
    (Action.REASSIGN.value, _("Reassign")),
    (Action.MERGE.value, _("Merge")),
    (Action.CANCEL.value, _("Cancel")),
    (Action.DECLINE.value, _("Send back to the back office")),
    (Action.PASS_ON.value, _("Pass to a colleague")),
    (Action.REQUEST_EXTENSION.value, _("Ask for more time")),
    (Action.GRANT_EXTENSION.value, _("Grant more time")),
    (Action.REFUSE_EXTENSION.value, _("Refuse more time")),
    (Action.SEND_TO_AGENT.value, _("Send back to the agent to complete")),
    (Action.SUPPLEMENT.value, _("Complete the acceptance")),
    ("warning", _("Warning")),
    ("overdue", _("Overdue")),
    # The expert seat's own steps (000 第8篇).
    (Action.ANSWER_CLOSE.value, _("Answer the customer and close")),
    (Action.SEND_BACK.value, _("Send back to the front line")),
    (Action.FIELD_DISPATCH.value, _("Dispatch to field staff")),
    (Action.WARN_MAINTENANCE.value, _("Warn maintenance")),
    (Action.REFER.value, _("Refer to the team leaders")),
]
CALLBACK_OUTCOME_CHOICES = [
    (CallbackOutcome.SATISFIED.value, _("Satisfied")),
    (CallbackOutcome.FAIRLY_SATISFIED.value, _("Fairly satisfied")),
    (CallbackOutcome.DISSATISFIED.value, _("Dissatisfied")),
    (CallbackOutcome.UNREACHABLE.value, _("Unreachable")),
]


class TimeLimitPolicy(models.Model):
    """服务时限标准: the time each stage may take, for the orders it matches.

    Empty match fields match anything; the most specific matching policy wins.
    `limits` is {stage: {"limit": ISO 8601 duration, "warning": ISO 8601 duration}}.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, blank=True)
    category = models.ForeignKey(
        CallReason,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, blank=True)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, blank=True)
    calendar = models.ForeignKey(
        WorkCalendar, verbose_name=_("calendar"), on_delete=models.PROTECT, related_name="+"
    )
    limits = models.JSONField(_("stage limits"), default=dict)
    callback_required = models.BooleanField(_("callback required"), default=True)
    expert_seat = models.BooleanField(
        _("expert seat"),
        default=False,
        help_text=_(
            "Limits for taking and answering while an expert seat holds the order; "
            "the order's own policy keeps every other limit."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("time-limit policy")
        verbose_name_plural = _("time-limit policies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DispatchRule(models.Model):
    """Where orders of a category (and region) go when the back office names no department."""

    category = models.ForeignKey(
        CallReason,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.CASCADE
    )
    department = models.ForeignKey(
        OrgUnit,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"kind": OrgUnit.Kind.DEPARTMENT},
    )
    # 002 第17篇 18-19: a complaint about a staff member's attitude is "提交组长或主管处理":
    # such a rule sends the category's complaints to the centre's team leaders and
    # supervisors instead of a department.
    to_leaders = models.BooleanField(
        _("to the team leaders"),
        default=False,
        help_text=_(
            "Complaints of this category (a staff member's attitude) go to the team leaders "
            "and supervisors, not to a department."
        ),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("dispatch rule")
        verbose_name_plural = _("dispatch rules")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=False, to_leaders=False)
                | models.Q(department__isnull=True, to_leaders=True, category__isnull=False),
                name="dispatch_rule_one_target",
            )
        ]

    def __str__(self) -> str:
        target = self.department if self.department_id else _("team leaders")
        return f"{self.category or '*'} / {self.region or '*'} → {target}"


class StandardPhrase(models.Model):
    """常用语: approved wording the back office starts a reply or a callback note from. What
    an agent says during a call is the quality app's standard phrases (规范用语)."""

    class Use(models.TextChoices):
        REPLY = "reply", _("Reply to the customer")
        CALLBACK = "callback", _("Callback note")

    use = models.CharField(_("used for"), max_length=16, choices=Use.choices)
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, blank=True, help_text=_("Empty: any kind.")
    )
    text = models.TextField(_("text"), help_text=_("{result} stands for the returned result."))
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("standard phrase")
        verbose_name_plural = _("standard phrases")
        ordering = ["use", "position", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class TicketSequence(models.Model):
    """The last number handed out on a day, so numbers never repeat."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


# An order is open exactly while the clock of one of its stages runs. Partial indexes and
# the queries meant to use them say so with this condition rather than `state IN (…)`:
# the databases match an IS NOT NULL term even when the query's values are parameters.
OPEN = models.Q(stage_started_at__isnull=False)


#: From this escalation risk on, an order comes first in the queues (升级风险, issue 21).
RISK_RAISED = 50


class Ticket(models.Model):
    number = models.CharField(_("number"), max_length=20)
    # Foreign keys that lead a composite index below need no index of their own: every
    # index is rewritten on each step of the loop, since each step changes the state.
    centre = models.ForeignKey(
        OrgUnit,
        verbose_name=_("centre"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    category = models.ForeignKey(
        CallReason,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    urgency = models.CharField(
        _("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    contacts = models.ManyToManyField(
        Contact, verbose_name=_("contacts"), blank=True, related_name="tickets"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=STATE_CHOICES)
    suspended = models.BooleanField(_("suspended"), default=False)
    # [[start, end or null], …] in ISO 8601: the clock does not run inside these.
    suspensions = models.JSONField(_("suspensions"), default=list, blank=True)
    department = models.ForeignKey(
        OrgUnit,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    policy = models.ForeignKey(
        TimeLimitPolicy,
        verbose_name=_("time-limit policy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    last_event_seq = models.PositiveIntegerField(default=0)
    rework_count = models.PositiveSmallIntegerField(_("reworks"), default=0)
    urge_count = models.PositiveSmallIntegerField(_("urges"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("reopens"), default=0)
    escalated = models.BooleanField(_("escalated"), default=False)
    # With the centre's team leaders and supervisors (a complaint about a staff member's
    # attitude, 002 第17篇 18-19), not with the back office or a department.
    with_leaders = models.BooleanField(_("with the team leaders"), default=False)
    result = models.TextField(_("result"), blank=True)
    satisfied = models.BooleanField(_("satisfied"), null=True, blank=True)
    callback_outcome = models.CharField(
        _("callback outcome"), max_length=16, choices=CALLBACK_OUTCOME_CHOICES, blank=True
    )
    callback_attempts = models.PositiveSmallIntegerField(_("callback attempts"), default=0)
    # Sent back to the agent who took it, until they complete it; how often that happened.
    incomplete = models.BooleanField(_("incomplete"), default=False)
    incomplete_count = models.PositiveSmallIntegerField(_("sent back to the agent"), default=0)
    # 延期申请: minutes asked for, waiting for the back office; minutes granted to the
    # current stage (they end with it).
    extension_pending = models.PositiveIntegerField(_("extension asked"), null=True, blank=True)
    extension_minutes = models.PositiveIntegerField(_("extension granted"), default=0)
    # 升级风险 (issue 21 point 4): a score from 0 to 100 and its reasons, computed by
    # insights from the urges, repeat contacts, anger words, tier and the dissatisfied tag,
    # and written by `tickets.services.risk`; a risky order comes first in the queues.
    escalation_risk = models.PositiveSmallIntegerField(_("escalation risk"), default=0)
    risk_reasons = models.JSONField(_("escalation risk reasons"), default=list, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    # The clock of the current stage and of the whole order, kept for lists and sweeps.
    stage = models.CharField(_("stage"), max_length=16, blank=True)
    stage_started_at = models.DateTimeField(_("stage started"), null=True, blank=True)
    stage_warn_at = models.DateTimeField(_("stage warning at"), null=True, blank=True)
    stage_due_at = models.DateTimeField(_("stage due at"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warning at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    # The promise of an answer to the customer (the policy's `answer` limit, 002 第17篇):
    # owed from `answer_started_at` (created, or reopened) until `answered_at` (the
    # reply, or the expert seat's answer); its clock runs only while the answer is owed.
    answer_started_at = models.DateTimeField(_("answer owed since"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer_warn_at = models.DateTimeField(_("answer warning at"), null=True, blank=True)
    answer_due_at = models.DateTimeField(_("answer due at"), null=True, blank=True)
    # Whether the sweep has recorded the current stage's (and the order's) warning and
    # overdue events: each is recorded once.
    stage_warned = models.BooleanField(default=False)
    stage_overdue = models.BooleanField(default=False)
    overall_warned = models.BooleanField(default=False)
    overall_overdue = models.BooleanField(default=False)
    answer_warned = models.BooleanField(default=False)
    answer_overdue = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A constraint rather than unique=True: PostgreSQL then builds no second,
            # LIKE-prefix index that no query uses.
            models.UniqueConstraint(fields=["number"], name="ticket_unique_number"),
        ]
        indexes = [
            models.Index(fields=["centre", "state", "stage_due_at"], name="ticket_open_due_idx"),
            models.Index(fields=["department", "state"], name="ticket_department_idx"),
            # A department's open orders newest first, with their clocks: the inbox and
            # its warning and overdue filters read the index alone.
            models.Index(
                fields=["department", "-created_at"],
                include=[
                    "centre",
                    "suspended",
                    "stage_warn_at",
                    "stage_due_at",
                    "warn_at",
                    "due_at",
                ],
                condition=OPEN,
                name="ticket_open_department_idx",
            ),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_idx"),
            # A department's orders newest first: a handler's list and search walk it
            # (kefu/tickets/search.py) rather than sorting the whole department.
            models.Index(
                fields=["department", "-created_at"], name="ticket_department_created_idx"
            ),
            models.Index(fields=["centre", "-created_at"], name="ticket_centre_created_idx"),
            # Open orders soonest due first: the longest overdue, without sorting them all.
            models.Index(
                fields=["centre", "stage_due_at"],
                condition=OPEN,
                name="ticket_open_stage_due_idx",
            ),
            # Orders closed per day, for the trends; open orders have no entry.
            models.Index(
                fields=["centre", "closed_at"],
                condition=models.Q(closed_at__isnull=False),
                name="ticket_closed_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class TicketEvent(models.Model):
    """One step in an order's story; never changed, numbered without gaps per order."""

    # Indexed by the unique (ticket, seq) constraint.
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    seq = models.PositiveIntegerField(_("sequence"))
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=ACTION_CHOICES)
    from_state = models.CharField(_("from"), max_length=16, blank=True)
    to_state = models.CharField(_("to"), max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("work-order event")
        verbose_name_plural = _("work-order events")
        ordering = ["ticket", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "seq"], name="ticket_event_unique_seq")
        ]
        # The indicators of a period (the dashboard's today on every load) count the events
        # in a time window; without this they read the whole table.
        indexes = [models.Index(fields=["at"], name="ticket_event_at_idx")]

    def __str__(self) -> str:
        return f"{self.ticket} #{self.seq} {self.action}"


def _attachment_path(attachment: TicketAttachment, name: str) -> str:
    return f"tickets/{attachment.ticket.number}/{name}"


class TicketAttachment(models.Model):
    """A photo or file that goes with an order's step: the site after the repair, a form."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    event_seq = models.PositiveIntegerField(_("step"))
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("work-order attachment")
        verbose_name_plural = _("work-order attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
