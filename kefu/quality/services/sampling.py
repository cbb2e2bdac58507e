"""Sampling plans and the daily draw into the inspectors' queues (issue 18 point 2).

Every day the worker draws, for each centre with an active plan, the contacts each agent
is owed so far this month (:mod:`kefu.quality.sampling`: per agent a month, more for new
agents, spread over the month), at random among their finished contacts not sampled yet,
plus every contact the plan always wants listened to: those that opened a complaint and
those the automatic transcript checks scored below the plan's line. Each drawn contact
goes to the inspector with the fewest open items. A draw run twice on a day adds nothing.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Contact
from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import OrgUnit, User
from kefu.core.queries import require_centre
from kefu.core.roles import MANAGE_SCORECARDS, QA, SCORE_CONTACTS
from kefu.core.services.audit import audit_record
from kefu.quality import sampling
from kefu.quality.models import (
    SampleItem,
    SampleReason,
    SampleState,
    SamplingPlan,
    Scorecard,
)
from kefu.tickets.models import Kind, Ticket
from kefu.workforce.models import StaffMember

# At most this many contacts drawn in one run of a centre: a bound on what one day's
# draw may do, whatever the plans say.
MAX_DRAW = 5000


def _month_start(day: date) -> date:
    return day.replace(day=1)


@transaction.atomic(durable=True)
def sampling_plan_set(
    *,
    actor: User,
    scorecard_id: int,
    team_id: int | None = None,
    per_agent: int = 5,
    per_new_agent: int = 10,
    new_agent_days: int = 90,
    flagged_below: int | None = None,
    with_complaints: bool = True,
) -> SamplingPlan:
    """Set the centre's plan (or a team's own); the plan it replaces is kept inactive."""
    if not (actor.is_superuser or actor.has_perm(MANAGE_SCORECARDS)):
        raise Forbidden()
    centre_id = require_centre(actor)
    if not Scorecard.objects.filter(pk=scorecard_id, centre_id=centre_id).exists():
        raise NotFound(code="scorecard_not_found")
    if (
        team_id is not None
        and not OrgUnit.objects.filter(
            pk=team_id, parent_id=centre_id, kind=OrgUnit.Kind.TEAM
        ).exists()
    ):
        raise NotFound(code="team_not_found")
    bounds = [
        (per_agent, 1, 100, "per_agent"),
        (per_new_agent, 1, 100, "per_new_agent"),
        (new_agent_days, 0, 365, "new_agent_days"),
        (flagged_below if flagged_below is not None else 0, 0, 100, "flagged_below"),
    ]
    for value, low, high, field in bounds:
        if not low <= value <= high:
            raise Invalid(
                _("Enter a number from %(low)d to %(high)d.") % {"low": low, "high": high},
                code="number_out_of_range",
                detail={"field": field},
            )
    SamplingPlan.objects.filter(centre_id=centre_id, team_id=team_id, active=True).update(
        active=False
    )
    plan = SamplingPlan.objects.create(
        centre_id=centre_id,
        team_id=team_id,
        scorecard_id=scorecard_id,
        per_agent=per_agent,
        per_new_agent=per_new_agent,
        new_agent_days=new_agent_days,
        flagged_below=flagged_below,
        with_complaints=with_complaints,
    )
    audit_record(
        actor=actor,
        action="sampling_plan.set",
        obj=plan,
        after={
            "team": team_id,
            "per_agent": per_agent,
            "per_new_agent": per_new_agent,
            "flagged_below": flagged_below,
        },
    )
    return plan


def _inspectors(centre_id: int) -> dict[int, int]:
    """The centre's active inspectors and the open items in each one's queue."""
    people = User.objects.filter(centre_id=centre_id, groups__name=QA, is_active=True)
    return dict(
        people.annotate(
            open=Count("quality_queue", filter=Q(quality_queue__state=SampleState.OPEN))
        ).values_list("pk", "open")
    )


def _plans(centre_id: int) -> tuple[SamplingPlan | None, dict[int, SamplingPlan]]:
    plans = list(SamplingPlan.objects.filter(centre_id=centre_id, active=True))
    centre_plan = next((plan for plan in plans if plan.team_id is None), None)
    return centre_plan, {plan.team_id: plan for plan in plans if plan.team_id is not None}


@transaction.atomic
def samples_draw(*, centre_id: int, now: datetime | None = None) -> int:
    """Today's draw for one centre; returns how many contacts were drawn. Not durable: the
    demo's loader draws inside its own transaction."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    month = _month_start(today)
    since = timezone.make_aware(datetime.combine(month, datetime.min.time()))
    centre_plan, team_plans = _plans(centre_id)
    inspectors = _inspectors(centre_id)
    if not inspectors or (centre_plan is None and not team_plans):
        return 0
    contacts = Contact.objects.filter(
        centre_id=centre_id, started_at__gte=since, ended_at__isnull=False, ended_at__lte=now
    ).exclude(pk__in=SampleItem.objects.filter(centre_id=centre_id).values("contact_id"))
    agents = dict(
        User.objects.filter(pk__in=contacts.values("agent_id")).values_list("pk", "team_id")
    )

    def plan_of(agent: int) -> SamplingPlan | None:
        return team_plans.get(agents.get(agent) or 0, centre_plan)

    rows: list[tuple[int, int, str, SamplingPlan]] = []  # contact, agent, reason, plan
    plans = [plan for plan in [centre_plan, *team_plans.values()] if plan is not None]
    if any(plan.with_complaints for plan in plans):
        complaints = Ticket.objects.filter(kind=Kind.COMPLAINT, centre_id=centre_id)
        opened = contacts.filter(pk__in=complaints.values("contacts")).order_by("started_at")
        for contact_id, agent_id in opened.values_list("pk", "agent_id")[:MAX_DRAW]:
            plan = plan_of(agent_id)
            if plan is not None and plan.with_complaints:
                rows.append((contact_id, agent_id, SampleReason.COMPLAINT, plan))
    lines = [plan.flagged_below for plan in plans if plan.flagged_below is not None]
    if lines:
        taken = {row[0] for row in rows}
        flagged = contacts.filter(transcript__auto_score__lt=max(lines)).order_by("started_at")
        for contact_id, agent_id, score in flagged.values_list(
            "pk", "agent_id", "transcript__auto_score"
        )[:MAX_DRAW]:
            plan = plan_of(agent_id)
            line = plan.flagged_below if plan is not None else None
            if plan is not None and line is not None and score < line and contact_id not in taken:
                rows.append((contact_id, agent_id, SampleReason.FLAGGED, plan))
    taken = {row[0] for row in rows}

    drawn = dict(
        SampleItem.objects.filter(
            centre_id=centre_id,
            month=month,
            reason__in=[SampleReason.RANDOM, SampleReason.NEW_AGENT],
        )
        .values("agent_id")
        .annotate(n=Count("id"))
        .values_list("agent_id", "n")
    )
    candidates: dict[int, list[int]] = defaultdict(list)
    for contact_id, agent_id in contacts.exclude(pk__in=taken).values_list("pk", "agent_id"):
        if plan_of(agent_id) is not None:
            candidates[agent_id].append(contact_id)
    new_agents: set[int] = set()
    joined = _joined(list(candidates))
    for agent_id in candidates:
        plan = plan_of(agent_id)
        if plan and joined[agent_id] >= today - timedelta(days=plan.new_agent_days):
            new_agents.add(agent_id)
    for plan in plans:
        mine = {agent: ids for agent, ids in candidates.items() if plan_of(agent) is plan}
        picked = sampling.draw(
            day=today,
            quota=sampling.Quota(plan.per_agent, plan.per_new_agent),
            new_agents=new_agents,
            drawn=drawn,
            candidates=mine,
            seed=zlib.crc32(f"{centre_id}:{today.isoformat()}:{plan.pk}".encode()),
        )
        for agent_id, ids in picked.items():
            reason = SampleReason.NEW_AGENT if agent_id in new_agents else SampleReason.RANDOM
            rows.extend((contact_id, agent_id, reason, plan) for contact_id in ids)
    rows = rows[:MAX_DRAW]
    given = sampling.share_out([row[0] for row in rows], inspectors)
    SampleItem.objects.bulk_create(
        SampleItem(
            centre_id=centre_id,
            contact_id=contact_id,
            agent_id=agent_id,
            plan=plan,
            reason=reason,
            inspector_id=given[contact_id],
            drawn_at=now,
            month=month,
        )
        for contact_id, agent_id, reason, plan in rows
    )
    return len(rows)


def _joined(agents: list[int]) -> dict[int, date]:
    """When each agent joined: the workforce's staff record where there is one (the day
    the centre counts from), else the day the account was made."""
    joined = {
        pk: timezone.localdate(at)
        for pk, at in User.objects.filter(pk__in=agents).values_list("pk", "date_joined")
    }
    staff = StaffMember.objects.filter(user_id__in=agents, joined_on__isnull=False)
    joined |= {pk: day for pk, day in staff.values_list("user_id", "joined_on") if day}
    return joined


def samples_draw_all() -> int:
    """The scheduled task: today's draw for every centre with an active plan."""
    centres = SamplingPlan.objects.filter(active=True).values_list("centre_id", flat=True)
    return sum(samples_draw(centre_id=centre_id) for centre_id in sorted(set(centres)))


@transaction.atomic(durable=True)
def sample_choose(*, actor: User, contact_id: int, plan_id: int | None = None) -> SampleItem:
    """An inspector puts a contact of their choosing in their own queue (a customer's
    complaint heard of, a leader's request)."""
    if not (actor.is_superuser or actor.has_perm(SCORE_CONTACTS)):
        raise Forbidden()
    centre_id = require_centre(actor)
    contact = Contact.objects.filter(pk=contact_id, centre_id=centre_id).first()
    if contact is None:
        raise NotFound(code="contact_not_found")
    if contact.agent_id == actor.pk:
        raise Forbidden(_("Nobody scores their own contacts."))
    if SampleItem.objects.filter(contact=contact).exists():
        raise Conflict(_("This contact has been drawn for scoring already."), code="sampled")
    centre_plan, team_plans = _plans(centre_id)
    team_id = User.objects.filter(pk=contact.agent_id).values_list("team_id", flat=True).first()
    plan = team_plans.get(team_id or 0, centre_plan)
    if plan is None:
        raise Invalid(_("Set a sampling plan with its scorecard first."), code="no_sampling_plan")
    item = SampleItem.objects.create(
        centre_id=centre_id,
        contact=contact,
        agent_id=contact.agent_id,
        plan=plan,
        reason=SampleReason.CHOSEN,
        inspector=actor,
        drawn_at=timezone.now(),
        month=_month_start(timezone.localdate(contact.started_at)),
    )
    audit_record(actor=actor, action="quality.sample_choose", obj=item)
    return item


@transaction.atomic(durable=True)
def sample_skip(*, actor: User, item_id: int, reason: str) -> SampleItem:
    """Leave a drawn contact unscored, with the reason (no recording, a wrong number)."""
    if not (actor.is_superuser or actor.has_perm(SCORE_CONTACTS)):
        raise Forbidden()
    item = (
        SampleItem.objects.select_for_update().filter(pk=item_id, centre_id=actor.centre_id).first()
    )
    if item is None:
        raise NotFound(code="sample_item_not_found")
    if item.state != SampleState.OPEN:
        raise Conflict(_("This contact has been scored or skipped already."), code="sample_closed")
    reason = reason.strip()
    if not reason:
        raise Invalid(
            _("Say why it is skipped."), code="reason_required", detail={"field": "reason"}
        )
    item.state = SampleState.SKIPPED
    item.skip_reason = reason[:200]
    item.save(update_fields=["state", "skip_reason"])
    audit_record(actor=actor, action="quality.sample_skip", obj=item, after={"reason": reason})
    return item
