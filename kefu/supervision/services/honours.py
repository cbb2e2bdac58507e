"""The monthly honours (issue 20 point 4; 003 (八) 1 每月评选, 004 蔚蓝天使, 000 第6篇 6):
the manager keeps each honour's rule; each month the candidates are proposed from the
measured figures (by the task on the 1st for the month before, or by the manager's button);
the manager confirms them, each removal and addition with its reason, and the confirmed
month is published: each honoured person is told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import OrgUnit, User
from kefu.core.roles import KEEP_HONOURS
from kefu.core.services.audit import audit_record
from kefu.core.services.notifications import notify
from kefu.supervision import honours_rules
from kefu.supervision.honours_rules import Criterion, Person, Rule
from kefu.supervision.models import (
    CandidateSource,
    HonourCandidate,
    HonourKind,
    HonourMonth,
    HonourMonthState,
    HonourRule,
)
from kefu.supervision.queries.figures import FIGURES, person_figures

#: Figures a rule may count: every figure of a person, and for ranking the same.
RULE_FIGURES = FIGURES
MAX_CRITERIA = 8
MAX_COUNT = 50
MAX_CHANGES = 100
NOTIFICATION_KIND = "supervision.honour"


def _require(actor: User) -> None:
    if not (actor.is_superuser or actor.has_perm(KEEP_HONOURS)):
        raise Forbidden()


def _centre_of(actor: User) -> int:
    if actor.centre_id is None:
        raise Invalid(_("Your account belongs to no centre."), code="no_centre")
    return actor.centre_id


def month_first(value: dt.date) -> dt.date:
    return value.replace(day=1)


def rule_of(row: HonourRule) -> Rule:
    """The stored rule as the pure module reads it."""
    return Rule(
        kind=row.kind,
        count=row.count,
        rank_by=row.rank_by,
        descending=row.descending,
        criteria=tuple(
            Criterion(item["figure"], item["op"], float(item["value"])) for item in row.criteria
        ),
        joined_within_months=row.joined_within_months,
        per_team=row.per_team,
    )


def _criteria_json(criteria: Sequence[Criterion]) -> list[dict[str, Any]]:
    return [{"figure": c.figure, "op": c.op, "value": c.value} for c in criteria]


def honour_rules_ensure(*, centre: OrgUnit | int) -> list[HonourRule]:
    """Give the centre the default rule of each honour it has none of yet (the seeds'
    defaults, `honours_rules.DEFAULT_RULES`); returns the centre's rules in order."""
    centre_id = centre if isinstance(centre, int) else centre.pk
    have = {row.kind: row for row in HonourRule.objects.filter(centre_id=centre_id)}
    for rule in honours_rules.DEFAULT_RULES:
        if rule.kind not in have:
            row, _made = HonourRule.objects.get_or_create(
                centre_id=centre_id,
                kind=rule.kind,
                defaults={
                    "count": rule.count,
                    "per_team": rule.per_team,
                    "joined_within_months": rule.joined_within_months,
                    "rank_by": rule.rank_by,
                    "descending": rule.descending,
                    "criteria": _criteria_json(rule.criteria),
                },
            )
            have[rule.kind] = row
    return [have[kind] for kind in HonourKind.values if kind in have]


def _check_rule(
    count: int, rank_by: str, criteria: Sequence[Criterion], joined_within_months: int | None
) -> None:
    if not 1 <= count <= MAX_COUNT:
        raise Invalid(_("Propose between 1 and 50 people."), code="honour_count")
    if rank_by not in RULE_FIGURES:
        raise Invalid(_("There is no such figure."), code="honour_figure_unknown")
    if len(criteria) > MAX_CRITERIA:
        raise Invalid(_("A rule has at most 8 criteria."), code="honour_criteria_too_many")
    for criterion in criteria:
        if criterion.figure not in RULE_FIGURES:
            raise Invalid(_("There is no such figure."), code="honour_figure_unknown")
        if criterion.op not in ("gte", "lte"):
            raise Invalid(_("There is no such comparison."), code="honour_op_unknown")
        if not 0 <= criterion.value <= 1_000_000:
            raise Invalid(_("A threshold is a number of at least 0."), code="honour_threshold")
        if criterion.figure in honours_rules.PERCENT_FIGURES and criterion.value > 1:
            raise Invalid(_("A share is at most 100 %."), code="honour_threshold")
    if joined_within_months is not None and not 1 <= joined_within_months <= 120:
        raise Invalid(_("Joined within 1 to 120 months."), code="honour_joined_within")


@transaction.atomic
def honour_rule_save(
    *,
    actor: User,
    kind: str,
    version: int | None = None,
    active: bool,
    count: int,
    per_team: bool,
    joined_within_months: int | None,
    rank_by: str,
    descending: bool,
    criteria: Sequence[Criterion],
) -> HonourRule:
    """Change the centre's rule of one honour; months already proposed keep the rules
    they were proposed by."""
    _require(actor)
    centre_id = _centre_of(actor)
    if kind not in HonourKind.values:
        raise Invalid(_("There is no such honour."), code="honour_kind_unknown")
    _check_rule(count, rank_by, criteria, joined_within_months)
    honour_rules_ensure(centre=centre_id)
    row = HonourRule.objects.select_for_update().get(centre_id=centre_id, kind=kind)
    if version is not None and row.version != version:
        raise Conflict(code="stale_version", detail={"version": row.version})
    before = {"count": row.count, "rank_by": row.rank_by, "criteria": row.criteria}
    row.active, row.count, row.per_team = active, count, per_team
    row.joined_within_months, row.rank_by, row.descending = (
        joined_within_months,
        rank_by,
        descending,
    )
    row.criteria = _criteria_json(criteria)
    row.updated_by = actor
    row.version += 1
    row.save()
    audit_record(
        actor=actor,
        action="supervision.honour_rule_save",
        obj=row,
        before=before,
        after={"count": count, "rank_by": rank_by, "criteria": row.criteria},
    )
    return row


def _people(centre: OrgUnit, month: dt.date, now: dt.datetime) -> list[Person]:
    last = min(honours_rules.month_last(month), timezone.localdate(now))
    figures = person_figures(centre, month, last, now=now)
    return [
        Person(row.user_id, row.name, row.team, row.joined_on, row.values)
        for row in figures.values()
    ]


def honours_propose(
    *, centre: OrgUnit, month: dt.date, actor: User | None = None, now: dt.datetime | None = None
) -> tuple[HonourMonth, bool]:
    """The month's candidates for each honour the centre awards, from everyone's figures
    by the centre's rules; proposed once per month (again, the month as it is is returned,
    with False). `actor` None is the monthly task."""
    if actor is not None:
        _require(actor)
        if actor.centre_id != centre.pk and not actor.is_superuser:
            raise Forbidden()
    now = now or timezone.now()
    month = month_first(month)
    if month > timezone.localdate(now):
        raise Invalid(_("A month not begun has no figures yet."), code="honour_month_future")
    # Proposed once, so never while the month runs: its first week's figures would stand.
    if month == month_first(timezone.localdate(now)):
        raise Invalid(
            _("A month's honours are proposed once it is over."), code="honour_month_running"
        )
    found = HonourMonth.objects.filter(centre=centre, month=month).first()
    if found is not None:
        return found, False
    rules = [row for row in honour_rules_ensure(centre=centre) if row.active]
    people = _people(centre, month, now)
    outcomes = [honours_rules.propose(rule_of(row), people, month) for row in rules]
    try:
        with transaction.atomic():
            made = HonourMonth.objects.create(
                centre=centre,
                month=month,
                proposed_at=now,
                proposed_by=actor,
                rules=[
                    {**asdict(rule_of(row)), "criteria": row.criteria, "version": row.version}
                    for row in rules
                ],
                left_out={
                    outcome.kind: [asdict(miss) for miss in outcome.left_out]
                    for outcome in outcomes
                },
            )
            HonourCandidate.objects.bulk_create(
                HonourCandidate(
                    month=made,
                    kind=outcome.kind,
                    person_id=candidate.user_id,
                    team=candidate.team,
                    rank=candidate.rank,
                    value=candidate.value,
                    tied=candidate.tied,
                    checks=[asdict(check) for check in candidate.checks],
                )
                for outcome in outcomes
                for candidate in outcome.candidates
            )
            audit_record(
                actor=actor,
                action="supervision.honours_propose",
                obj=made,
                after={o.kind: len(o.candidates) for o in outcomes},
            )
    except IntegrityError:
        # Proposed at the same moment by the task on another worker or a second click.
        return HonourMonth.objects.get(centre=centre, month=month), False
    return made, True


def honours_propose_due(*, now: dt.datetime | None = None) -> int:
    """The monthly task: from the 1st, every centre's honours of the month before, for
    each centre that has none yet (safe to run on several workers, and hourly)."""
    now = now or timezone.now()
    month = honours_rules.months_back(month_first(timezone.localdate(now)), 1)
    made = 0
    for centre in OrgUnit.objects.filter(kind=OrgUnit.Kind.CENTRE, active=True):
        if HonourMonth.objects.filter(centre=centre, month=month).exists():
            continue
        _row, created = honours_propose(centre=centre, month=month, now=now)
        made += created
    return made


@dataclass(frozen=True)
class Removal:
    candidate_id: int
    reason: str


@dataclass(frozen=True)
class Addition:
    kind: str
    person_id: int
    reason: str


def _reason(text: str) -> str:
    text = text.strip()
    if not text:
        raise Invalid(_("Every change needs its reason."), code="honour_reason_required")
    if len(text) > 300:
        raise Invalid(_("A reason is at most 300 characters."), code="honour_reason_too_long")
    return text


@transaction.atomic
def honours_confirm(
    *,
    actor: User,
    honour_month: HonourMonth,
    version: int,
    removals: Sequence[Removal] = (),
    additions: Sequence[Addition] = (),
) -> HonourMonth:
    """Confirm the month's honours with the manager's changes (a candidate removed, a
    person added), each with its reason; the month is then published and each honoured
    person told."""
    _require(actor)
    locked = HonourMonth.objects.select_for_update().get(pk=honour_month.pk)
    if locked.centre_id != actor.centre_id and not actor.is_superuser:
        raise Forbidden()
    if locked.version != version:
        raise Conflict(code="stale_version", detail={"version": locked.version})
    if locked.state != HonourMonthState.PROPOSED:
        raise Conflict(
            _("The month's honours are confirmed already."), code="honours_confirmed_already"
        )
    if len(removals) + len(additions) > MAX_CHANGES:
        raise Invalid(_("At most 100 changes at once."), code="honour_changes_too_many")
    now = timezone.now()
    candidates = {row.pk: row for row in locked.candidates.select_for_update()}
    for removal in removals:
        reason = _reason(removal.reason)
        row = candidates.get(removal.candidate_id)
        if row is None or row.removed:
            raise Invalid(_("There is no such candidate."), code="honour_candidate_unknown")
        row.removed, row.reason, row.changed_by, row.changed_at = True, reason, actor, now
        row.save(update_fields=["removed", "reason", "changed_by", "changed_at"])
    people = {
        user.pk: user
        for user in User.objects.filter(
            pk__in=[a.person_id for a in additions], centre_id=locked.centre_id, is_active=True
        ).select_related("team")
    }
    taken = {(row.kind, row.person_id) for row in candidates.values()}
    for addition in additions:
        reason = _reason(addition.reason)
        if addition.kind not in HonourKind.values:
            raise Invalid(_("There is no such honour."), code="honour_kind_unknown")
        person = people.get(addition.person_id)
        if person is None:
            raise Invalid(_("There is no such person."), code="honour_person_unknown")
        if (addition.kind, person.pk) in taken:
            raise Conflict(
                _("The person is a candidate for this honour already."),
                code="honour_candidate_twice",
            )
        taken.add((addition.kind, person.pk))
        HonourCandidate.objects.create(
            month=locked,
            kind=addition.kind,
            person=person,
            team=person.team.name if person.team else "",
            source=CandidateSource.ADDED,
            reason=reason,
            changed_by=actor,
            changed_at=now,
        )
    locked.state, locked.confirmed_at, locked.confirmed_by = HonourMonthState.CONFIRMED, now, actor
    locked.version += 1
    locked.save(update_fields=["state", "confirmed_at", "confirmed_by", "version"])
    audit_record(
        actor=actor,
        action="supervision.honours_confirm",
        obj=locked,
        before={"state": HonourMonthState.PROPOSED},
        after={
            "state": HonourMonthState.CONFIRMED,
            "removed": [r.candidate_id for r in removals],
            "added": [[a.kind, a.person_id] for a in additions],
        },
    )
    _publish(locked)
    return locked


def _publish(month: HonourMonth) -> None:
    """Tell each honoured person of their honours (one notification each, once)."""
    honoured: dict[int, list[str]] = {}
    people: dict[int, User] = {}
    for row in month.candidates.filter(removed=False).select_related("person"):
        honoured.setdefault(row.person_id, []).append(str(row.get_kind_display()))
        people[row.person_id] = row.person
    for person_id, names in honoured.items():
        notify(
            recipients=[people[person_id]],
            kind=NOTIFICATION_KIND,
            title=gettext("Your honours of %(month)s: %(names)s")
            % {"month": f"{month.month:%Y-%m}", "names": "、".join(names)},
            link=reverse("supervision_person", args=[person_id]),
            key=f"supervision.honours:{month.pk}",
        )
