"""Weekly review meetings (周例会; issue 20 point 6; seed 000 第1篇: 每周可进行例会总结 —
last week's work, what is still unsolved, good methods, problems, next week's plan; 002
第14篇 全体员工 3: the minutes kept and filed): a leader or manager holds one with its
attendees, minutes and decisions, and sets action items with an owner and a due date; the
owner marks an item done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import OrgUnit, User
from kefu.core.roles import MANAGER
from kefu.core.services.audit import audit_record
from kefu.supervision.models import ActionItem, Meeting
from kefu.supervision.queries import signing
from kefu.supervision.queries import work_reports as queries

#: A meeting is entered at most this far from its date (minutes typed up a month later,
#: or a meeting planned ahead).
LONGEST_SPAN = dt.timedelta(days=62)
MAX_ATTENDEES = 200


def _holder(actor: User) -> None:
    if not queries.may_hold_meetings(actor):
        raise Forbidden()


def _staff(actor: User, ids: Sequence[int], field: str) -> list[User]:
    wanted = set(ids)
    people = list(User.objects.filter(pk__in=wanted, centre_id=actor.centre_id, is_active=True))
    if len(people) != len(wanted):
        raise Invalid(
            _("Everyone named must be on the staff of your centre."),
            code="person_unknown",
            detail={"field": field},
        )
    return people


def _check(actor: User, *, held_on: dt.date, title: str, minutes: str, decisions: str) -> None:
    today = timezone.localdate()
    if abs(held_on - today) > LONGEST_SPAN:
        raise Invalid(
            _("A meeting is entered within two months of its date."),
            code="meeting_date",
            detail={"field": "held_on"},
        )
    if not title.strip() or len(title) > 100:
        raise Invalid(
            _("Give the meeting a title of at most 100 characters."),
            code="title",
            detail={"field": "title"},
        )
    if len(minutes) > 10000 or len(decisions) > 5000:
        raise Invalid(_("The minutes are too long."), code="text_too_long")


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    held_on: dt.date,
    title: str,
    team_id: int | None = None,
    attendee_ids: Sequence[int] = (),
    minutes: str = "",
    decisions: str = "",
) -> Meeting:
    _holder(actor)
    centre_id = actor.centre_id
    if centre_id is None:
        raise Forbidden()
    _check(actor, held_on=held_on, title=title, minutes=minutes, decisions=decisions)
    if (
        team_id is not None
        and not OrgUnit.objects.filter(
            pk=team_id, parent_id=actor.centre_id, kind=OrgUnit.Kind.TEAM
        ).exists()
    ):
        raise Invalid(
            _("There is no such team in your centre."),
            code="team_unknown",
            detail={"field": "team"},
        )
    if len(attendee_ids) > MAX_ATTENDEES:
        raise Invalid(_("Too many attendees."), code="attendees_too_many")
    attendees = _staff(actor, attendee_ids, "attendees")
    meeting = Meeting.objects.create(
        centre_id=centre_id,
        team_id=team_id,
        held_on=held_on,
        title=title.strip(),
        chair=actor,
        minutes=minutes,
        decisions=decisions,
    )
    meeting.attendees.set(attendees)
    audit_record(actor=actor, action="supervision.meeting_create", obj=meeting)
    return meeting


def _may_change(actor: User, meeting: Meeting) -> None:
    _holder(actor)
    if meeting.chair_id != actor.pk and actor.role != MANAGER:
        raise Forbidden(_("Only the chair changes a meeting's minutes."), code="not_chair")


@transaction.atomic
def meeting_edit(
    *,
    actor: User,
    meeting: Meeting,
    version: int,
    held_on: dt.date,
    title: str,
    attendee_ids: Sequence[int],
    minutes: str,
    decisions: str,
) -> Meeting:
    """The chair (or a manager) writes the minutes and decisions and who attended; once an
    attendee has signed, the minutes are frozen (services.signing.minutes_correct)."""
    _may_change(actor, meeting)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.version != version:
        raise Conflict(code="stale_version", detail={"version": locked.version})
    if signing.is_frozen(locked):
        raise Conflict(
            _("The minutes are being signed: correct them with a reason instead."),
            code="minutes_frozen",
        )
    _check(actor, held_on=held_on, title=title, minutes=minutes, decisions=decisions)
    if len(attendee_ids) > MAX_ATTENDEES:
        raise Invalid(_("Too many attendees."), code="attendees_too_many")
    attendees = _staff(actor, attendee_ids, "attendees")
    locked.held_on, locked.title = held_on, title.strip()
    locked.minutes, locked.decisions = minutes, decisions
    locked.version += 1
    locked.save(update_fields=["held_on", "title", "minutes", "decisions", "version"])
    locked.attendees.set(attendees)
    audit_record(actor=actor, action="supervision.meeting_edit", obj=locked)
    return locked


@transaction.atomic
def action_add(
    *, actor: User, meeting: Meeting, description: str, owner_id: int, due_on: dt.date
) -> ActionItem:
    """An action item of the meeting: what, who, by when."""
    _may_change(actor, meeting)
    description = description.strip()
    if not description or len(description) > 500:
        raise Invalid(
            _("Say what is to be done, in at most 500 characters."),
            code="description",
            detail={"field": "description"},
        )
    if due_on < meeting.held_on:
        raise Invalid(
            _("An action item is due on or after the meeting."),
            code="due_before_meeting",
            detail={"field": "due_on"},
        )
    if due_on > meeting.held_on + dt.timedelta(days=366):
        raise Invalid(
            _("An action item is due within a year."),
            code="due_too_far",
            detail={"field": "due_on"},
        )
    (owner,) = _staff(actor, [owner_id], "owner")
    item = ActionItem.objects.create(
        meeting=meeting, description=description, owner=owner, due_on=due_on
    )
    audit_record(actor=actor, action="supervision.action_add", obj=item)
    return item


@transaction.atomic
def action_done(*, actor: User, item: ActionItem, note: str = "") -> ActionItem:
    """The owner marks the item done; marking it again changes nothing."""
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    if item.owner_id != actor.pk:
        raise Forbidden(_("Only the owner marks an action item done."), code="not_owner")
    if len(note) > 500:
        raise Invalid(
            _("A note is at most 500 characters."), code="note_too_long", detail={"field": "note"}
        )
    if item.done_at is not None:
        return item
    item.done_at = timezone.now()
    item.done_note = note.strip()
    item.save(update_fields=["done_at", "done_note"])
    audit_record(actor=actor, action="supervision.action_done", obj=item)
    return item
