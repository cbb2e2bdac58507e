"""The service-management indicators (003: 万客户投诉量, 升级投诉, 满意度) and those from
kefu's own work-order process and queue figures, with the variants named apart. Pure."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.metrics.standards.model import Group, Standard, Target, Unit
from kefu.metrics.standards.seed import NOTE_OURS

SERVICE_STANDARDS = (
    Standard(
        code="settled_rate",
        name=_("Settled-on-contact rate"),
        definition=_(
            "Contacts the agent settled during the contact, with no work order, divided by "
            "all contacts."
        ),
        unit=Unit.RATE,
        group=Group.SERVICE,
        industry_average="",
        default_target=None,  # a share of the work, not a figure to hit
    ),
    Standard(
        code="repeat_contact_rate",
        name=_("Repeat contact rate"),
        definition=_(
            "Contacts followed by another contact from the same customer or number on the "
            "same call reason within the centre's repeat window, divided by the contacts with "
            "a call reason."
        ),
        unit=Unit.RATE,
        group=Group.SERVICE,
        industry_average="",
        default_target=None,
        actions=(
            _("Write agreed answers for the current hot topics."),
            _("Train and rehearse agents so that they anticipate and pre-handle problems."),
            _("Publish a step-by-step handbook with screenshots."),
            _("Send agents to watch the field work on site."),
        ),
    ),
    Standard(
        code="complaints_per_10k",
        name=_("Complaints per 10,000 customers"),
        definition=_("Complaints received in the period per 10,000 customers."),
        unit=Unit.PER_10K,
        group=Group.SERVICE,
        industry_average="",
        # The seed gives a year's figure (13.9) as a provincial ranking, not a target, and the
        # figure grows with the period's length, so no default fits every report.
        default_target=None,
        seed="003",
        seed_term="万客户投诉量",
        actions=(
            _("Follow up the problems customers complain about most, through to closure."),
            _("Find and fix the causes of repeat complaints."),
            _("Check marketing plans beforehand so that avoidable complaints do not arise."),
            _("Assign responsibility for each complaint and tie it to assessment."),
        ),
    ),
    Standard(
        code="escalated_complaints",
        name=_("Escalated complaints"),
        definition=_(
            "Work orders whose customer took them above the centre in the period (to a "
            "regulator such as 12398, the 12345 hotline, a consumer association, higher "
            "management or the media), each counted once. Escalations on the third urge and "
            "escalations raised inside the centre are counted separately, not here."
        ),
        unit=Unit.COUNT,
        group=Group.SERVICE,
        industry_average="",
        default_target=None,  # a count that scales with the centre and the period
        seed="003",
        seed_term="升级投诉",
        actions=(
            _("Control complaint risks to keep escalations down."),
            _("Streamline complaint handling and strengthen cooperation between departments."),
            _("Build a case library from typical complaints and train complaint handlers."),
        ),
    ),
    Standard(
        code="on_time_rate",
        name=_("On-time completion rate"),
        definition=_("Share of work-order stages completed within their time limit."),
        unit=Unit.RATE,
        group=Group.SERVICE,
        industry_average="",
        default_target=Target(low=0.98, high=None),  # ours
        target_note=NOTE_OURS,
        actions=(
            # seed (a centre's plan): assess the handling departments on timely replies.
            _(
                "Include timely replies and the number of urges in the handling departments' "
                "assessment."
            ),
            _("Find the stages where orders run late and the departments responsible."),  # ours
        ),
    ),
    Standard(
        code="rework_rate",
        name=_("Rework rate"),
        definition=_(
            "Results returned by departments and rejected at verification, divided by all "
            "results returned."
        ),
        unit=Unit.RATE,
        group=Group.SERVICE,
        industry_average="",
        default_target=Target(low=None, high=0.05),  # ours
        target_note=NOTE_OURS,
        actions=(
            # seed (a centre's plan): regular coordination meetings with the departments.
            _(
                "Hold regular coordination meetings with the handling departments to sort out "
                "problems."
            ),
            _("Agree with each department what a result must contain to pass verification."),
        ),
    ),
    Standard(
        code="reopen_rate",
        name=_("Reopen rate"),
        definition=_(
            "Work orders reopened after an unsatisfied callback divided by work orders closed."
        ),
        unit=Unit.RATE,
        group=Group.SERVICE,
        industry_average="",
        default_target=Target(low=None, high=0.03),  # ours
        target_note=NOTE_OURS,
        actions=(
            _("Find out why each reopened order's result did not satisfy, and fix the cause."),
            _("Follow up the problems customers complain about most, through to closure."),
        ),
    ),
    Standard(
        code="callback_satisfaction",
        name=_("Callback satisfaction rate"),
        definition=_("Share of callbacks in which the customer said they were satisfied."),
        unit=Unit.RATE,
        group=Group.SERVICE,
        industry_average="",
        default_target=Target(low=0.90, high=None),  # ours
        target_note=NOTE_OURS,
        actions=(
            _("Find dissatisfied customers and win them back one by one."),
            _("Tie satisfaction results and the responsibility for them to staff assessment."),
            _("Use two-way evaluation to find and fix the service's weak points."),
        ),
    ),
)

# Figures kefu shows beside a seed standard that count it another way, named apart.
VARIANTS = (
    Standard(
        code="aht_with_hold_seconds",
        name=_("Average handling time with hold"),
        definition=_(
            "Talk time plus hold time plus after-call work time per call: the common industry "
            "variant of the handling time, for platforms that report hold apart from talk."
        ),
        unit=Unit.SECONDS,
        group=Group.AGENT,
        industry_average="",
        default_target=None,  # the seed sets its range on the time without hold
    ),
)

# The queue's own figures: counts the rates above are made of, and the service level as
# Asterisk reports it. Judged through the rates, so no targets here.
QUEUE_FIGURES = (
    Standard(
        code="service_level_answered",
        name=_("Service level of answered calls"),
        definition=_(
            "Calls answered within X seconds divided by calls answered: Asterisk's own "
            "service-level figure."
        ),
        unit=Unit.RATE,
        group=Group.QUEUE,
        industry_average="",
        # Unjudged: the centre's service level is `service_level`, and two verdicts on one
        # thing would disagree whenever calls abandon.
        default_target=None,
    ),
    Standard(
        code="answered",
        name=_("Calls answered"),
        definition=_("Calls connected to an agent."),
        unit=Unit.COUNT,
        group=Group.QUEUE,
        industry_average="",
        default_target=None,
    ),
    Standard(
        code="abandoned",
        name=_("Calls abandoned"),
        definition=_("Calls the caller hung up while queued."),
        unit=Unit.COUNT,
        group=Group.QUEUE,
        industry_average="",
        default_target=None,
    ),
    Standard(
        code="short_abandoned",
        name=_("Short abandons"),
        definition=_("Abandoned calls whose wait was under the short-abandon threshold."),
        unit=Unit.COUNT,
        group=Group.QUEUE,
        industry_average="",
        default_target=None,
    ),
    Standard(
        code="exited",
        name=_("Calls that left the queue"),
        definition=_(
            "Calls that left the queue unanswered by a timeout, a key press or an empty queue."
        ),
        unit=Unit.COUNT,
        group=Group.QUEUE,
        industry_average="",
        default_target=None,
    ),
)
