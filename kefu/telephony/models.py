from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Contact
from kefu.core.models import OrgUnit
from kefu.customers.models import Customer
from kefu.telephony.calls import AGENT_COUNTERS, QUEUE_COUNTERS, Outcome
from kefu.telephony.presence import Kind


class Queue(models.Model):
    """An ACD queue as the telephone platform names it, created when first seen."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("queue"), max_length=128)
    title = models.CharField(_("title"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="telephony_queue_unique")
        ]

    def __str__(self) -> str:
        return self.title or self.name


class Agent(models.Model):
    """An agent as the platform names it (`Agent/1001`, `PJSIP/1001`, `SIP/8001`), matched
    to a kefu user by employee number or user name when one fits."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("agent"), max_length=128)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(
        OrgUnit,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": OrgUnit.Kind.TEAM},
    )

    class Meta:
        verbose_name = _("ACD agent")
        verbose_name_plural = _("ACD agents")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="telephony_agent_unique")
        ]

    def __str__(self) -> str:
        return self.name


OUTCOME_CHOICES = [
    (Outcome.QUEUED.value, _("Queued")),
    (Outcome.ANSWERED.value, _("Answered")),
    (Outcome.COMPLETED_AGENT.value, _("Completed by the agent")),
    (Outcome.COMPLETED_CALLER.value, _("Completed by the caller")),
    (Outcome.TRANSFERRED.value, _("Transferred")),
    (Outcome.ABANDONED.value, _("Abandoned")),
    (Outcome.TIMEOUT.value, _("Left on timeout")),
    (Outcome.KEY.value, _("Left by key")),
    (Outcome.EMPTY.value, _("Left an empty queue")),
    (Outcome.WITHDRAWN.value, _("Withdrawn")),
]


class Call(models.Model):
    """One call's stay in one queue: the raw record every roll-up is computed from."""

    # Calls are written by the hundred thousand: no index the reads do not use (the
    # queue's is the first column of (queue, entered_at), the agent's is never searched).
    queue = models.ForeignKey(
        Queue,
        verbose_name=_("queue"),
        on_delete=models.PROTECT,
        related_name="calls",
        db_index=False,
    )
    call_id = models.CharField(_("call id"), max_length=64)
    entered_at = models.DateTimeField(_("entered"))
    caller_number = models.CharField(_("caller number"), max_length=32, blank=True)
    position = models.PositiveIntegerField(_("position"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=OUTCOME_CHOICES)
    agent = models.ForeignKey(
        Agent,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
        db_index=False,
    )
    connected_at = models.DateTimeField(_("connected"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    wait_seconds = models.PositiveIntegerField(_("wait (s)"), null=True, blank=True)
    talk_seconds = models.PositiveIntegerField(_("talk (s)"), null=True, blank=True)
    ring_seconds = models.PositiveIntegerField(_("ring (s)"), null=True, blank=True)
    hold_seconds = models.PositiveIntegerField(_("hold (s)"), null=True, blank=True)
    acw_seconds = models.PositiveIntegerField(_("after-call work (s)"), null=True, blank=True)
    # [[time, agent], …] of rings agents let go unanswered (RINGNOANSWER).
    missed = models.JSONField(_("unanswered rings"), default=list, blank=True)
    # Not indexed either: a customer's or contact's calls are not searched yet, and each
    # index costs every one of the hundreds of thousands of inserts a day.
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
        db_index=False,
    )

    class Meta:
        verbose_name = _("queue call")
        verbose_name_plural = _("queue calls")
        ordering = ["-entered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["call_id", "queue", "entered_at"], name="telephony_call_unique"
            )
        ]
        indexes = [
            models.Index(fields=["queue", "entered_at"], name="telephony_call_queue_idx"),
            # The calls in progress (waiting or talking) the wallboard reads every few
            # seconds: a handful of rows at any moment, so the index costs ingestion little.
            models.Index(
                fields=["entered_at"],
                condition=models.Q(ended_at__isnull=True),
                name="telephony_call_live_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} {self.queue_id}"


KIND_CHOICES = [
    (Kind.LOGIN.value, _("Logged in")),
    (Kind.PAUSE.value, _("Paused")),
    (Kind.ACW.value, _("After-call work")),
]


class Activity(models.Model):
    """A stretch of an agent's time: logged in, paused, or in after-call work."""

    agent = models.ForeignKey(
        Agent,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="activities",
        db_index=False,  # the first column of the unique (agent, kind, started_at)
    )
    kind = models.CharField(_("kind"), max_length=8, choices=KIND_CHOICES)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=64, blank=True)
    queues = models.JSONField(_("queues"), default=list, blank=True)

    class Meta:
        verbose_name = _("agent activity")
        verbose_name_plural = _("agent activities")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "kind", "started_at"], name="telephony_activity_unique"
            )
        ]
        indexes = [
            models.Index(fields=["started_at"], name="telephony_activity_start_idx"),
            models.Index(
                fields=["agent"],
                condition=models.Q(ended_at__isnull=True),
                name="telephony_activity_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.kind} {self.started_at:%Y-%m-%d %H:%M}"


class QueueCounts(models.Model):
    class Meta:
        abstract = True


class AgentCounts(models.Model):
    class Meta:
        abstract = True


# The counters are named once, in `calls`, where what they count is defined; the tables
# take one whole-number column for each.
for _counter in QUEUE_COUNTERS:
    QueueCounts.add_to_class(_counter, models.BigIntegerField(default=0, db_default=0))
for _counter in AGENT_COUNTERS:
    AgentCounts.add_to_class(_counter, models.BigIntegerField(default=0, db_default=0))


class QueueInterval(QueueCounts):
    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField(_("interval"))

    class Meta:
        verbose_name = _("queue interval")
        verbose_name_plural = _("queue intervals")
        constraints = [
            models.UniqueConstraint(fields=["queue", "start"], name="telephony_qi_unique")
        ]
        indexes = [models.Index(fields=["start"], name="telephony_qi_start_idx")]

    def __str__(self) -> str:
        return f"{self.queue_id} {self.start}"


class QueueDay(QueueCounts):
    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("queue day")
        verbose_name_plural = _("queue days")
        constraints = [models.UniqueConstraint(fields=["queue", "day"], name="telephony_qd_unique")]
        indexes = [models.Index(fields=["day"], name="telephony_qd_day_idx")]

    def __str__(self) -> str:
        return f"{self.queue_id} {self.day}"


class AgentInterval(AgentCounts):
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField(_("interval"))

    class Meta:
        verbose_name = _("agent interval")
        verbose_name_plural = _("agent intervals")
        constraints = [
            models.UniqueConstraint(fields=["agent", "start"], name="telephony_ai_unique")
        ]
        indexes = [models.Index(fields=["start"], name="telephony_ai_start_idx")]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.start}"


class AgentDay(AgentCounts):
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("agent day")
        verbose_name_plural = _("agent days")
        constraints = [models.UniqueConstraint(fields=["agent", "day"], name="telephony_ad_unique")]
        indexes = [models.Index(fields=["day"], name="telephony_ad_day_idx")]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.day}"


class ImportRun(models.Model):
    """What one import read and what it could not, so an operator sees every refused line."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=500)
    format = models.CharField(_("format"), max_length=20)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    lines = models.PositiveBigIntegerField(_("lines"), default=0)
    events = models.PositiveBigIntegerField(_("events"), default=0)
    malformed = models.PositiveBigIntegerField(_("malformed lines"), default=0)
    ignored = models.PositiveBigIntegerField(_("ignored events"), default=0)
    # The first refused lines, [[line number, reason], …], for the operator to look at.
    errors = models.JSONField(_("errors"), default=list, blank=True)

    class Meta:
        verbose_name = _("telephony import")
        verbose_name_plural = _("telephony imports")
        permissions = [("push_events", _("Can push telephony events"))]
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.source


class FollowCursor(models.Model):
    """Where following a growing file has read up to, written in the same transaction as
    what was read, so a restart resumes there without loss or double counting."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    path = models.CharField(_("path"), max_length=500)
    format = models.CharField(_("format"), max_length=20)
    # The file's first line: a file rotated under the same name starts again from 0.
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    offset = models.PositiveBigIntegerField(_("offset"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("followed file")
        verbose_name_plural = _("followed files")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "path", "format"], name="telephony_cursor_unique"
            )
        ]

    def __str__(self) -> str:
        return self.path
