"""Writing, reviewing and retiring knowledge articles, and what readers do with them (views,
uses, feedback); one function, one transaction, one audit row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import CallReason
from kefu.contacts.queries import contacts_visible_to
from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import User
from kefu.core.queries import require_centre
from kefu.core.roles import CHANGE_ARTICLE, ROLES, VIEW_ARTICLE
from kefu.core.services import audit_record, notify, snapshot
from kefu.core.validation import check_fields, check_lengths
from kefu.knowledge.lifecycle import (
    EDITABLE,
    Action,
    RecallerIsNotWriter,
    ReviewerIsAuthor,
    State,
    TransitionRefused,
    allowed_actions,
    check_reviewer,
    next_state,
)
from kefu.knowledge.models import (
    Article,
    ArticleUse,
    ArticleVersion,
    Feedback,
    Kind,
    KnowledgeCategory,
)
from kefu.knowledge.queries import articles_visible_to
from kefu.knowledge.services.index import search_index_update
from kefu.tickets.lifecycle import State as TicketState
from kefu.tickets.models import Ticket
from kefu.tickets.queries import ticket_events, ticket_get_for_user

FIELDS = [
    "kind",
    "title",
    "body",
    "category",
    "tags",
    "questions",
    "effective_from",
    "expires_at",
    "roles",
]
# How many ways of asking an article may list, and how long each may be.
MAX_QUESTIONS = 30
MAX_QUESTION_LENGTH = 100


def editor_centre(actor: User) -> int:
    if not actor.has_perm(CHANGE_ARTICLE):
        raise Forbidden()
    return require_centre(actor)


def _clean(actor: User, values: dict[str, Any]) -> dict[str, Any]:
    """The article fields as given, checked; anything wrong is a clear 422."""
    if "title" in values and not str(values["title"]).strip():
        raise Invalid(_("The title is required."), code="title_required", detail={"field": "title"})
    if "body" in values and not str(values["body"]).strip():
        raise Invalid(_("The body is required."), code="body_required", detail={"field": "body"})
    if "kind" in values and values["kind"] not in Kind.values:
        raise Invalid(_("Unknown kind."), code="kind_unknown", detail={"field": "kind"})
    if "category" in values and values["category"] is not None:
        category = KnowledgeCategory.objects.filter(
            centre_id=actor.centre_id, code=values["category"]
        ).first()
        if category is None:
            raise Invalid(
                _("Unknown category."), code="category_unknown", detail={"field": "category"}
            )
        values["category"] = category
    if "roles" in values:
        if not set(values["roles"]) <= set(ROLES):
            raise Invalid(_("Unknown role."), code="role_unknown", detail={"field": "roles"})
        values["roles"] = f",{','.join(sorted(set(values['roles'])))}," if values["roles"] else ""
    if "tags" in values:
        values["tags"] = sorted({str(tag).strip() for tag in values["tags"] if str(tag).strip()})
    if "questions" in values:
        asked = [" ".join(str(q).split()) for q in values["questions"]]
        values["questions"] = list(dict.fromkeys(q for q in asked if q))
        if len(values["questions"]) > MAX_QUESTIONS or any(
            len(q) > MAX_QUESTION_LENGTH for q in values["questions"]
        ):
            raise Invalid(
                _("At most %(count)d questions of %(length)d characters each.")
                % {"count": MAX_QUESTIONS, "length": MAX_QUESTION_LENGTH},
                code="questions_too_long",
                detail={"field": "questions"},
            )
    starts, ends = values.get("effective_from"), values.get("expires_at")
    if starts is not None and ends is not None and ends < starts:
        raise Invalid(
            _("An article cannot expire before it takes effect."),
            code="expires_before_effective",
            detail={"field": "expires_at"},
        )
    return values


@transaction.atomic
def article_create(
    *,
    actor: User,
    title: str,
    body: str,
    kind: str,
    category: str | None = None,
    tags: Sequence[str] = (),
    questions: Sequence[str] = (),
    effective_from: date | None = None,
    expires_at: date | None = None,
    roles: Sequence[str] = (),
    call_reasons: Sequence[str] = (),
) -> Article:
    """A new article, as a draft owned and written by the editor."""
    centre_id = editor_centre(actor)
    reasons = _call_reasons(centre_id, call_reasons)
    values = _clean(
        actor,
        {
            "title": title.strip(),
            "body": body,
            "kind": kind,
            "category": category,
            "tags": list(tags),
            "questions": list(questions),
            "effective_from": effective_from,
            "expires_at": expires_at,
            "roles": list(roles),
        },
    )
    check_fields(Article, **values)
    article = Article.objects.create(centre_id=centre_id, owner=actor, author=actor, **values)
    article.writers.add(actor)
    article.call_reasons.set(reasons)
    search_index_update([article.pk])
    audit_record(
        actor=actor,
        action="article.create",
        obj=article,
        after={**snapshot(article, FIELDS), "call_reasons": [r.code for r in reasons]},
    )
    return article


def _call_reasons(centre_id: int | None, codes: Sequence[str]) -> list[CallReason]:
    """The centre's call reasons by code; an unknown one is a clear 422."""
    found = list(CallReason.objects.filter(centre_id=centre_id, code__in=set(codes)))
    unknown = sorted(set(codes) - {reason.code for reason in found})
    if unknown:
        raise Invalid(
            _("Unknown call reason."),
            code="call_reason_unknown",
            detail={"field": "call_reasons", "codes": unknown},
        )
    return found


def _locked(actor: User, article_id: int, version: int) -> Article:
    article = (
        Article.objects.select_for_update().filter(pk=article_id, centre_id=actor.centre_id).first()
    )
    if article is None:
        raise NotFound(code="article_not_found")
    if article.version != version:
        raise Conflict(
            _("Someone else changed this article in the meantime."),
            code="version_conflict",
            detail={"state": article.state, "version": article.version},
        )
    return article


@transaction.atomic
def article_update(*, actor: User, article_id: int, version: int, **changes: Any) -> Article:
    """Rewrite the working copy. A published article stays live as it was until the new
    draft is approved; under review the text is frozen."""
    editor_centre(actor)
    article = _locked(actor, article_id, version)
    if State(article.state) not in EDITABLE:
        raise Conflict(
            _("An article under review cannot be changed; reject it first."),
            code="article_in_review",
            detail={"state": article.state, "version": article.version},
        )
    codes = changes.pop("call_reasons", None)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise Invalid(_("Unknown field."), code="field_unknown", detail={"fields": sorted(unknown)})
    reasons = _call_reasons(article.centre_id, codes) if codes is not None else None
    before = snapshot(article, FIELDS)
    for field, value in _clean(actor, dict(changes)).items():
        setattr(article, field, value)
    article.state, article.author = State.DRAFT, actor
    article.version += 1
    check_lengths(article)
    article.save()
    # Any change, if only of the tags, makes its editor one of the text's writers.
    article.writers.add(actor)
    if reasons is not None:
        article.call_reasons.set(reasons)
    search_index_update([article.pk])
    audit_record(
        actor=actor,
        action="article.update",
        obj=article,
        before=before,
        after={
            **snapshot(article, FIELDS),
            **({"call_reasons": sorted(codes)} if codes is not None else {}),
        },
    )
    return article


def _writer_ids(article: Article) -> set[int]:
    """Who wrote the working copy since it was last published: its writers, and its last
    author in any case."""
    return {*article.writers.values_list("pk", flat=True), article.author_id}


@transaction.atomic
def article_act(
    *, actor: User, article_id: int, action: str, version: int, reason: str = ""
) -> Article:
    """submit, approve, reject, withdraw or recall; approving publishes a new immutable
    version."""
    editor_centre(actor)
    try:
        act = Action(action)
    except ValueError as error:
        raise NotFound(code="action_unknown", detail={"action": action}) from error
    if act == Action.EXPIRE:
        raise NotFound(code="action_unknown", detail={"action": action})
    article = _locked(actor, article_id, version)
    try:
        target = next_state(act, State(article.state))
        check_reviewer(act, writer_ids=_writer_ids(article), reviewer_id=actor.pk)
    except TransitionRefused as error:
        raise Conflict(
            _("This action is not possible in the article's current state."),
            code="transition_refused",
            detail={
                "state": article.state,
                "version": article.version,
                "allowed_actions": [str(a) for a in allowed_actions(State(article.state))],
            },
        ) from error
    except RecallerIsNotWriter as error:
        raise Forbidden(
            _("Only whoever wrote the change can recall it; a reviewer sends it back instead."),
            code="recaller_not_writer",
        ) from error
    except ReviewerIsAuthor as error:
        raise Forbidden(
            _(
                "Whoever wrote any part of a change cannot approve it; "
                "an editor who took no part in it must."
            ),
            code="reviewer_is_author",
        ) from error
    if act == Action.REJECT and not reason.strip():
        raise Invalid(_("Say why."), code="reason_required", detail={"field": "reason"})
    from_state = article.state
    if act == Action.APPROVE:
        last = article.versions.aggregate(last=Max("number"))["last"] or 0
        article.live_version = ArticleVersion.objects.create(
            article=article,
            number=last + 1,
            kind=article.kind,
            title=article.title,
            body=article.body,
            author=article.author,
            approved_by=actor,
        )
        article.expiry_warned_on = None
        article.writers.clear()  # the next change starts with no writers
    elif act == Action.WITHDRAW:
        article.live_version = None
    article.state = target
    article.version += 1
    article.save()
    search_index_update([article.pk])
    audit_record(
        actor=actor,
        action=f"article.{act}",
        obj=article,
        before={"state": from_state},
        after={"state": article.state, **({"reason": reason.strip()} if reason else {})},
    )
    return article


@dataclass
class ExpirySweepResult:
    expired: int = 0
    warned: int = 0


def article_expiry_sweep(*, today: date | None = None) -> ExpirySweepResult:
    """Expire published articles past their date and warn owners of those close to it,
    once each. Safe to run on several workers: each article is handled under its lock."""
    today = today or timezone.localdate()
    result = ExpirySweepResult()
    horizon = today + timedelta(days=settings.KEFU_KB_EXPIRY_WARNING_DAYS)
    due = Article.objects.filter(state=State.PUBLISHED, expires_at__lte=horizon)
    for article_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            article = (
                Article.objects.select_for_update(skip_locked=True)
                .select_related("owner")
                .filter(pk=article_id, state=State.PUBLISHED)
                .first()
            )
            if article is None or article.expires_at is None:
                continue
            if article.expires_at < today:
                article.state, article.live_version = State.EXPIRED, None
                article.version += 1
                article.save(update_fields=["state", "live_version", "version", "updated_at"])
                search_index_update([article.pk])
                audit_record(actor=None, action="article.expire", obj=article)
                result.expired += 1
            elif article.expiry_warned_on is None:
                article.expiry_warned_on = today
                article.save(update_fields=["expiry_warned_on"])
                notify(
                    recipients=[article.owner],
                    kind="article.expiring",
                    title=f"{article.title}: {_('expires on')} {article.expires_at:%Y-%m-%d}",
                    link=f"/knowledge/{article.pk}/",
                    key=f"article.expiring:{article.pk}:{article.expires_at:%Y-%m-%d}",
                )
                result.warned += 1
    return result


@transaction.atomic
def feedback_record(*, actor: User, article_id: int, kind: str, note: str = "") -> Feedback:
    """An agent marks an article helpful, outdated or wrong; the last two need a note."""
    if not actor.has_perm(VIEW_ARTICLE):
        raise Forbidden()
    if kind not in Feedback.Kind.values:
        raise Invalid(_("Unknown kind."), code="kind_unknown", detail={"field": "kind"})
    if kind != Feedback.Kind.HELPFUL and not note.strip():
        raise Invalid(_("Say what is wrong."), code="note_required", detail={"field": "note"})
    # Only on an article the user may read: one they cannot read is not there for them.
    article = articles_visible_to(actor).filter(pk=article_id).first()
    if article is None:
        raise NotFound(code="article_not_found")
    check_fields(Feedback, note=note.strip())
    return Feedback.objects.create(article=article, user=actor, kind=kind, note=note.strip())


# --- reading, using, and feeding back -------------------------------------------------


def article_viewed(*, actor: User, article_id: int) -> None:
    """Count a reading by someone who reads the article to answer with it; editors at
    work on it do not count. A counter, not evidence: no audit row and no lock."""
    if not actor.has_perm(CHANGE_ARTICLE):
        Article.objects.filter(pk=article_id).update(views=F("views") + 1)


@transaction.atomic
def article_use_record(
    *, actor: User, article_id: int, contact_id: int | None = None, ticket: str | None = None
) -> ArticleUse:
    """The article answered this contact or helped with this work order; counted once each."""
    if (contact_id is None) == (ticket is None):
        raise Invalid(_("Name either a contact or a work order."), code="use_target_required")
    article = articles_visible_to(actor).filter(pk=article_id).first()
    if article is None:
        raise NotFound(code="article_not_found")
    target: dict[str, Any] = {}
    if contact_id is not None:
        contact = contacts_visible_to(actor).filter(pk=contact_id).first()
        if contact is None:
            raise NotFound(code="contact_not_found")
        target["contact"] = contact
    else:
        target["ticket"] = ticket_get_for_user(actor, str(ticket))
    use, created = ArticleUse.objects.get_or_create(
        article=article, **target, defaults={"user": actor}
    )
    if created:
        Article.objects.filter(pk=article.pk).update(uses=F("uses") + 1)
    return use


@transaction.atomic
def feedback_resolve(*, actor: User, feedback_id: int, note: str = "") -> Feedback:
    """An editor has dealt with a mark: it leaves the queue, and the audit says how."""
    editor_centre(actor)
    feedback = (
        Feedback.objects.select_for_update()
        .filter(pk=feedback_id, article__centre_id=actor.centre_id)
        .first()
    )
    if feedback is None:
        raise NotFound(code="feedback_not_found")
    if feedback.resolved_at is None:
        feedback.resolved_at = timezone.now()
        feedback.save(update_fields=["resolved_at"])
        audit_record(
            actor=actor,
            action="article.feedback_resolve",
            obj=feedback.article,
            after={"feedback": feedback.pk, "kind": feedback.kind, "note": note.strip()},
        )
    return feedback


@transaction.atomic
def article_case_from_ticket(*, actor: User, number: str) -> Article:
    """A draft case (案例) written from a closed work order: what the customer asked, what
    was done and how it ended, without the customer's personal data."""
    centre_id = editor_centre(actor)
    # Editors do not read work orders otherwise: only its category and its story serve here.
    ticket = (
        Ticket.objects.select_related("category").filter(centre_id=centre_id, number=number).first()
    )
    if ticket is None:
        raise NotFound(_("No work order has this number."), code="ticket_not_found")
    if ticket.state != TicketState.CLOSED:
        raise Conflict(
            _("Only a closed work order can become a case."),
            code="ticket_not_closed",
            detail={"state": ticket.state},
        )
    body = render_to_string(
        "knowledge/case_from_ticket.md",
        {"ticket": ticket, "events": ticket_events(ticket)},
    )
    article = article_create(
        actor=actor,
        title=str(_("Case: %(title)s")) % {"title": ticket.title},
        body=body,
        kind=Kind.CASE,
        tags=[ticket.category.name] if ticket.category else [],
        call_reasons=[ticket.category.code] if ticket.category else [],
    )
    audit_record(
        actor=actor, action="article.case_from_ticket", obj=article, after={"ticket": number}
    )
    return article
