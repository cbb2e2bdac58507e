"""绿苗计划, the shift-leader reserve (issue 20; seed 003 第二部分(八)1: 每半年进行一次值班长
后备人才公开选拔,对现任值班长岗位人员进行开测评,持续更新值班长后备人才库). The manager opens
a half year's selection (the current reserves come in as candidates up for
re-confirmation); front-line people apply, team leaders and managers nominate and score
(0–100); the manager admits or declines each candidate with a reason; closing the
selection lapses every reserve it did not re-confirm. In the same half year the manager
scores each current shift leader and the leader's team members rate them anonymously.
Every change checks the actor and runs in one transaction."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import User
from kefu.core.roles import JOIN_RESERVE, LEADER
from kefu.core.services.audit import audit_record
from kefu.supervision import reserve_rules
from kefu.supervision.models import (
    CandidateDecision,
    LeaderRating,
    PanelScore,
    RaterRole,
    ReserveCandidate,
    ReserveMember,
    ReserveSelection,
    ReserveSource,
    SelectionState,
)
from kefu.supervision.queries import reserve as queries


def _open(selection: ReserveSelection) -> None:
    if selection.state != SelectionState.OPEN:
        raise Conflict(_("This selection is closed."), code="selection_closed")


def _text(value: str, limit: int, field: str, required: bool = False) -> str:
    value = value.strip()
    if len(value) > limit or (required and not value):
        message = (
            _("Give a reason, in at most 500 characters.")
            if required
            else _("The text is too long.")
        )
        raise Invalid(message, code=field, detail={"field": field})
    return value


def _score(value: int, field: str = "score") -> int:
    if not 0 <= value <= 100:
        raise Invalid(
            _("A score lies between 0 and 100."), code="score_range", detail={"field": field}
        )
    return value


@transaction.atomic
def selection_open(
    *, actor: User, half_start: dt.date, note: str = "", today: dt.date | None = None
) -> tuple[ReserveSelection, bool]:
    """Open the selection of a half year (its first day: 1 January or 1 July), this half
    year's or the next one's. Safe to retry: the existing selection of that half year is
    returned with False. The current reserves become candidates for re-confirmation."""
    if not queries.may_manage(actor) or actor.centre_id is None:
        raise Forbidden()
    today = today or timezone.localdate()
    if not reserve_rules.is_half_start(half_start):
        raise Invalid(
            _("A half year starts on 1 January or 1 July."),
            code="half_start",
            detail={"field": "half_start"},
        )
    current = reserve_rules.half_of(today)[0]
    following = reserve_rules.half_of(reserve_rules.half_of(today)[1] + dt.timedelta(days=1))[0]
    found = ReserveSelection.objects.filter(
        centre_id=actor.centre_id, half_start=half_start
    ).first()
    if found is not None:
        return found, False
    if half_start not in (current, following):
        raise Invalid(
            _("Open the selection of this half year or of the next."),
            code="half_out_of_range",
            detail={"field": "half_start"},
        )
    if queries.open_selection(actor.centre_id) is not None:
        raise Conflict(
            _("Close the open selection before opening another."), code="selection_still_open"
        )
    note = _text(note, 500, "note")
    try:
        with transaction.atomic():
            selection = ReserveSelection.objects.create(
                centre_id=actor.centre_id, half_start=half_start, note=note, opened_by=actor
            )
    except IntegrityError:
        return ReserveSelection.objects.get(centre_id=actor.centre_id, half_start=half_start), False
    ReserveCandidate.objects.bulk_create(
        ReserveCandidate(
            selection=selection, person_id=member.person_id, source=ReserveSource.RESERVE
        )
        for member in queries.pool_of(actor.centre_id)
    )
    audit_record(actor=actor, action="supervision.reserve_open", obj=selection)
    return selection, True


def _candidate(
    actor: User,
    selection: ReserveSelection,
    person: User,
    source: str,
    statement: str,
) -> tuple[ReserveCandidate, bool]:
    _open(selection)
    found = ReserveCandidate.objects.filter(selection=selection, person=person).first()
    if found is not None:
        return found, False
    if not person.is_active or person.centre_id != selection.centre_id:
        raise Invalid(
            _("Everyone named must be on the staff of your centre."),
            code="person_unknown",
            detail={"field": "person"},
        )
    if not person.has_perm(JOIN_RESERVE) or person.role == LEADER:
        raise Invalid(
            _("Only front-line staff stand for the shift-leader reserve."),
            code="not_front_line",
            detail={"field": "person"},
        )
    statement = _text(statement, 2000, "statement")
    try:
        with transaction.atomic():
            candidate = ReserveCandidate.objects.create(
                selection=selection,
                person=person,
                source=source,
                nominated_by=actor if source == ReserveSource.NOMINATED else None,
                statement=statement,
            )
    except IntegrityError:
        return ReserveCandidate.objects.get(selection=selection, person=person), False
    audit_record(actor=actor, action=f"supervision.reserve_{source}", obj=candidate)
    return candidate, True


@transaction.atomic
def candidate_apply(
    *, actor: User, selection: ReserveSelection, statement: str = ""
) -> tuple[ReserveCandidate, bool]:
    """A front-line person applies (公开选拔); applying again returns the same candidacy."""
    if not queries.may_join(actor):
        raise Forbidden()
    return _candidate(actor, selection, actor, ReserveSource.APPLIED, statement)


@transaction.atomic
def candidate_nominate(
    *, actor: User, selection: ReserveSelection, person_id: int, statement: str = ""
) -> tuple[ReserveCandidate, bool]:
    """A team leader nominates one of their team (a manager anyone of the centre)."""
    if not queries.may_score(actor):
        raise Forbidden()
    person = User.objects.filter(pk=person_id, centre_id=actor.centre_id).first()
    if person is None or (
        not queries.may_manage(actor) and (actor.team_id is None or person.team_id != actor.team_id)
    ):
        raise Invalid(
            _("Nominate someone of your own team."),
            code="person_unknown",
            detail={"field": "person"},
        )
    return _candidate(actor, selection, person, ReserveSource.NOMINATED, statement)


@transaction.atomic
def candidate_score(
    *, actor: User, candidate: ReserveCandidate, score: int, comment: str = ""
) -> PanelScore:
    """A panel member's score of a candidate awaiting decision; scoring again replaces
    their score."""
    if not queries.may_score(actor):
        raise Forbidden()
    selection = ReserveSelection.objects.select_for_update().get(pk=candidate.selection_id)
    _open(selection)
    if candidate.person_id == actor.pk:
        raise Forbidden(_("Nobody scores themselves."), code="own_candidacy")
    if candidate.decision != CandidateDecision.PENDING:
        raise Conflict(_("This candidate is decided already."), code="candidate_decided")
    row, _created = PanelScore.objects.update_or_create(
        candidate=candidate,
        scorer=actor,
        defaults={"score": _score(score), "comment": _text(comment, 500, "comment")},
    )
    audit_record(
        actor=actor, action="supervision.reserve_score", obj=candidate, after={"score": score}
    )
    return row


@transaction.atomic
def candidate_decide(
    *, actor: User, candidate: ReserveCandidate, version: int, admit: bool, reason: str
) -> ReserveCandidate:
    """The manager admits the candidate to the reserve pool (or re-confirms a current
    reserve), or declines, always with a reason. A decision is final."""
    if not queries.may_manage(actor):
        raise Forbidden()
    locked = ReserveCandidate.objects.select_for_update().get(pk=candidate.pk)
    selection = ReserveSelection.objects.get(pk=locked.selection_id)
    _open(selection)
    if locked.version != version:
        raise Conflict(code="stale_version", detail={"version": locked.version})
    if locked.decision != CandidateDecision.PENDING:
        raise Conflict(_("This candidate is decided already."), code="candidate_decided")
    reason = _text(reason, 500, "reason", required=True)
    now = timezone.now()
    locked.decision = CandidateDecision.ADMITTED if admit else CandidateDecision.DECLINED
    locked.decided_by, locked.decided_at, locked.reason = actor, now, reason
    locked.version += 1
    locked.save(update_fields=["decision", "decided_by", "decided_at", "reason", "version"])
    if admit:
        member = (
            ReserveMember.objects.select_for_update()
            .filter(
                centre_id=selection.centre_id, person_id=locked.person_id, lapsed_at__isnull=True
            )
            .first()
        )
        if member is None:
            ReserveMember.objects.create(
                centre_id=selection.centre_id,
                person_id=locked.person_id,
                admitted_by_selection=selection,
                admitted_at=now,
                confirmed_by_selection=selection,
            )
        else:
            member.confirmed_by_selection = selection
            member.save(update_fields=["confirmed_by_selection"])
    audit_record(
        actor=actor,
        action="supervision.reserve_decide",
        obj=locked,
        after={"decision": locked.decision, "reason": reason},
    )
    return locked


@transaction.atomic
def selection_close(*, actor: User, selection: ReserveSelection, version: int) -> ReserveSelection:
    """Close the half year's selection once every candidate is decided: every reserve it
    did not re-confirm lapses (持续更新值班长后备人才库)."""
    if not queries.may_manage(actor):
        raise Forbidden()
    locked = ReserveSelection.objects.select_for_update().get(pk=selection.pk)
    _open(locked)
    if locked.version != version:
        raise Conflict(code="stale_version", detail={"version": locked.version})
    pending = locked.candidates.filter(decision=CandidateDecision.PENDING).count()
    if pending:
        raise Conflict(
            _("Decide every candidate before closing the selection."),
            code="candidates_pending",
            detail={"pending": pending},
        )
    now = timezone.now()
    lapsed = (
        ReserveMember.objects.filter(centre_id=locked.centre_id, lapsed_at__isnull=True)
        .exclude(confirmed_by_selection=locked)
        .update(lapsed_at=now)
    )
    locked.state, locked.closed_at = SelectionState.CLOSED, now
    locked.version += 1
    locked.save(update_fields=["state", "closed_at", "version"])
    audit_record(
        actor=actor, action="supervision.reserve_close", obj=locked, after={"lapsed": lapsed}
    )
    return locked


@transaction.atomic
def leader_rate(
    *, actor: User, selection: ReserveSelection, leader_id: int, score: int
) -> LeaderRating:
    """The evaluation of a current shift leader (测评): the manager scores any leader of
    the centre; a team member rates their own team's leader, anonymously. Rating again
    replaces the rater's score."""
    _open(selection)
    leader = (
        User.objects.filter(
            pk=leader_id, centre_id=selection.centre_id, is_active=True, groups__name=LEADER
        )
        .distinct()
        .first()
    )
    if leader is None:
        raise Invalid(
            _("There is no such shift leader in your centre."),
            code="leader_unknown",
            detail={"field": "leader"},
        )
    if queries.may_manage(actor):
        role = RaterRole.MANAGER
    elif (
        queries.may_join(actor)
        and actor.role != LEADER
        and actor.team_id is not None
        and actor.team_id == leader.team_id
    ):
        role = RaterRole.MEMBER
    else:
        raise Forbidden(_("You rate only your own team's leader."), code="not_your_leader")
    row, _created = LeaderRating.objects.update_or_create(
        selection=selection,
        leader=leader,
        rater=actor,
        defaults={"score": _score(score), "rater_role": role},
    )
    if role == RaterRole.MANAGER:
        audit_record(
            actor=actor, action="supervision.leader_score", obj=leader, after={"score": score}
        )
    return row
