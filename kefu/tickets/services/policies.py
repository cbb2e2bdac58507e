"""Time-limit policies and dispatch rules, changed by the people who may configure them."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import OrgUnit, User, WorkCalendar
from kefu.core.queries import region_for_code
from kefu.core.roles import CHANGE_POLICY
from kefu.core.services import audit_record, snapshot
from kefu.core.validation import check_lengths
from kefu.tickets import sla
from kefu.tickets.models import (
    DispatchRule,
    TimeLimitPolicy,
)
from kefu.tickets.queries import (
    as_sla_policy,
)
from kefu.tickets.services.recording import category_of

POLICY_FIELDS = [
    "name",
    "kind",
    "category",
    "tier",
    "urgency",
    "calendar",
    "limits",
    "callback_required",
    "expert_seat",
    "active",
]


def _policy_check(row: TimeLimitPolicy) -> None:
    try:
        sla.validate_policy(as_sla_policy(row))
    except ValueError as error:
        raise Invalid(str(error), code="policy_invalid", detail={"field": "limits"}) from error


def _may_change(actor: User | None) -> None:
    """`None` is the operator at the `kefu` command (an import), who answers for the whole
    database."""
    if actor is not None and not actor.has_perm(CHANGE_POLICY):
        raise Forbidden()


@transaction.atomic
def policy_save(
    *,
    actor: User | None,
    centre: OrgUnit | None = None,
    policy_id: int | None = None,
    name: str,
    calendar: str,
    limits: dict[str, dict[str, str]],
    kind: str = "",
    category: str | None = None,
    tier: str = "",
    urgency: str = "",
    callback_required: bool = True,
    expert_seat: bool = False,
    active: bool = True,
) -> TimeLimitPolicy:
    """Create a time-limit policy, or replace one's content (policies are small and whole).
    The category is one of `centre`'s (the actor's centre when not given)."""
    _may_change(actor)
    row = (
        TimeLimitPolicy()
        if policy_id is None
        else TimeLimitPolicy.objects.select_for_update().filter(pk=policy_id).first()
    )
    if row is None:
        raise NotFound(code="policy_not_found")
    before = snapshot(row, POLICY_FIELDS) if row.pk else None
    calendar_row = WorkCalendar.objects.filter(name=calendar).first()
    if calendar_row is None:
        raise Invalid(_("Unknown calendar."), code="calendar_unknown", detail={"field": "calendar"})
    row.name, row.kind, row.tier, row.urgency = name.strip(), kind, tier, urgency
    row.calendar, row.limits = calendar_row, limits
    row.category = category_of(actor, category, centre_id=centre.pk if centre else None)
    row.callback_required, row.expert_seat, row.active = callback_required, expert_seat, active
    _policy_check(row)
    check_lengths(row)
    if TimeLimitPolicy.objects.filter(name=row.name).exclude(pk=row.pk).exists():
        raise Conflict(_("Another policy has this name."), code="policy_name_taken")
    row.save()
    audit_record(
        actor=actor,
        action="policy.update" if before else "policy.create",
        obj=row,
        before=before,
        after=snapshot(row, POLICY_FIELDS),
    )
    return row


@transaction.atomic
def dispatch_rule_save(
    *,
    actor: User | None,
    centre: OrgUnit | None = None,
    rule_id: int | None = None,
    department: str | None = None,
    category: str | None = None,
    region: str | None = None,
    position: int = 0,
    to_leaders: bool = False,
) -> DispatchRule:
    """Where orders of a category go: a department, or with `to_leaders` (complaints about a
    staff member's attitude, 002 第17篇 18-19) the centre's team leaders and supervisors.
    The department and the category are `centre`'s (the actor's centre when not given)."""
    _may_change(actor)
    centre_id = centre.pk if centre is not None else actor.centre_id if actor else None
    rule = DispatchRule() if rule_id is None else DispatchRule.objects.filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(code="dispatch_rule_not_found")
    fields = ["category", "region", "department", "to_leaders", "position"]
    before = snapshot(rule, fields) if rule.pk else None
    unit = None
    if to_leaders:
        if department:
            raise Invalid(
                _("A rule sends orders to a department or to the team leaders, not both."),
                code="dispatch_rule_two_targets",
                detail={"field": "department"},
            )
        if not category:
            raise Invalid(
                _("Name the category whose complaints go to the team leaders."),
                code="field_required",
                detail={"field": "category"},
            )
    else:
        unit = OrgUnit.objects.filter(
            code=department or "", kind=OrgUnit.Kind.DEPARTMENT, parent_id=centre_id
        ).first()
        if unit is None:
            raise Invalid(
                _("Unknown department."), code="department_unknown", detail={"field": "department"}
            )
    rule.department, rule.to_leaders, rule.position = unit, to_leaders, position
    rule.category = category_of(actor, category, centre_id=centre_id)
    rule.region = region_for_code(region)
    rule.save()
    audit_record(
        actor=actor,
        action="dispatch_rule.update" if before else "dispatch_rule.create",
        obj=rule,
        before=before,
        after=snapshot(rule, fields),
    )
    return rule
