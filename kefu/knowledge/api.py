from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import field_validator

from kefu.core.errors import Invalid, NotFound
from kefu.core.http import request_user
from kefu.core.models import User
from kefu.core.pagination import Page, PageParams, page
from kefu.core.roles import CHANGE_ARTICLE
from kefu.core.schemas import Id, StrictSchema, Version, errors
from kefu.knowledge import queries, services
from kefu.knowledge.lifecycle import Action, State, actions_for, allowed_actions
from kefu.knowledge.models import Article, ArticleVersion, Attachment, Feedback, FeedbackKind, Kind
from kefu.knowledge.rendering import diff_lines, render_markdown
from kefu.tickets.queries import ticket_get_for_user

router = Router(tags=["knowledge"])

# A tag is a short word an editor gives an article.
Tag = Annotated[str, Field(min_length=1, max_length=30)]
# One way a caller asks what the article answers (相似问法).
Question = Annotated[str, Field(min_length=1, max_length=services.MAX_QUESTION_LENGTH)]
Role = Literal[
    "agent", "expert", "backoffice", "handler", "leader", "qa", "editor", "manager", "admin"
]
# A call reason's code.
ReasonCode = Annotated[str, Field(min_length=1, max_length=64)]


class ArticleIn(StrictSchema):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=100_000)
    kind: Kind
    category: str | None = Field(None, max_length=64)
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    questions: list[Question] = Field(default_factory=list, max_length=services.MAX_QUESTIONS)
    effective_from: date | None = None
    expires_at: date | None = None
    roles: list[Role] = Field(default_factory=list, max_length=20)
    call_reasons: list[ReasonCode] = Field(default_factory=list, max_length=20)


class ArticlePatch(StrictSchema):
    """The fields sent are changed; only `category` and the dates may be set to null."""

    version: Version
    title: str | None = Field(None, min_length=1, max_length=200)
    body: str | None = Field(None, min_length=1, max_length=100_000)
    kind: Kind | None = None
    category: str | None = Field(None, max_length=64)
    tags: list[Tag] | None = Field(None, max_length=20)
    questions: list[Question] | None = Field(None, max_length=services.MAX_QUESTIONS)
    effective_from: date | None = None
    expires_at: date | None = None
    roles: list[Role] | None = Field(None, max_length=20)
    call_reasons: list[ReasonCode] | None = Field(None, max_length=20)

    @field_validator(
        "title", "body", "kind", "tags", "questions", "roles", "call_reasons", mode="before"
    )
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may be left out, not null")
        return value


class ArticleActionIn(StrictSchema):
    version: Version
    reason: str = Field("", max_length=1000)


class ArticleOut(Schema):
    id: int
    kind: Kind
    title: str
    category: str | None
    tags: list[str]
    questions: list[str]
    state: State
    version: int
    live_version: int | None
    effective_from: date | None
    expires_at: date | None
    roles: list[str]
    call_reasons: list[str]
    owner: str
    author: str
    views: int
    uses: int
    allowed_actions: list[Action]
    updated_at: datetime


class ArticleDetailOut(ArticleOut):
    body: str
    html: str


class VersionOut(Schema):
    number: int
    kind: Kind
    title: str
    author: str
    approved_by: str
    published_at: datetime


class VersionDetailOut(VersionOut):
    body: str
    html: str


class DiffLineOut(Schema):
    op: Literal[" ", "-", "+"]
    text: str


class DiffOut(Schema):
    from_version: int
    to_version: int
    title_changed: bool
    lines: list[DiffLineOut]


class SearchParams(StrictSchema):
    q: str = Field(min_length=1, max_length=200)
    kind: Kind | None = None
    category: str | None = Field(None, max_length=64)
    limit: int = Field(10, ge=1, le=50)


class SearchItem(Schema):
    id: int
    title: str
    kind: Kind
    snippet: str
    score: float


class FeedbackIn(StrictSchema):
    kind: FeedbackKind
    note: str = Field("", max_length=2000)


class FeedbackOut(Schema):
    id: int
    article: int
    article_title: str
    user: str
    kind: FeedbackKind
    note: str
    at: datetime
    resolved_at: datetime | None


class ResolveIn(StrictSchema):
    note: str = Field("", max_length=1000)


class UseIn(StrictSchema):
    contact_id: Id | None = None
    ticket: str | None = Field(None, max_length=20)


class CaseIn(StrictSchema):
    ticket: str = Field(min_length=1, max_length=20)


def article_out(article: Article, user: User) -> dict[str, Any]:
    editor = user.has_perm(CHANGE_ARTICLE)
    shown = queries.article_text_for(user, article)
    return {
        "id": article.pk,
        "kind": shown.kind,
        "title": shown.title,
        "category": article.category.code if article.category else None,
        "tags": article.tags,
        "questions": article.questions,
        "state": article.state,
        "version": article.version,
        "live_version": article.live_version.number if article.live_version else None,
        "effective_from": article.effective_from,
        "expires_at": article.expires_at,
        "roles": [role for role in article.roles.split(",") if role],
        "call_reasons": [reason.code for reason in article.call_reasons.all()],
        "owner": article.owner.username,
        "author": article.author.username,
        "views": article.views,
        "uses": article.uses,
        "allowed_actions": [str(a) for a in allowed_actions(State(article.state))]
        if editor
        else [],
        "updated_at": article.updated_at,
    }


def _detail(article: Article, user: User) -> dict[str, Any]:
    shown = queries.article_text_for(user, article)
    out = article_out(article, user)
    if out["allowed_actions"]:
        # For this editor: the writer of a change recalls it, another editor reviews it.
        writer = user.pk in queries.article_writer_ids(article)
        out["allowed_actions"] = [str(a) for a in actions_for(State(article.state), writer=writer)]
    return {**out, "body": shown.body, "html": render_markdown(shown.body)}


def version_out(version: ArticleVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "kind": version.kind,
        "title": version.title,
        "author": version.author.username,
        "approved_by": version.approved_by.username,
        "published_at": version.published_at,
    }


def feedback_out(feedback: Feedback) -> dict[str, Any]:
    return {
        "id": feedback.pk,
        "article": feedback.article_id,
        "article_title": feedback.article.title,
        "user": feedback.user.username,
        "kind": feedback.kind,
        "note": feedback.note,
        "at": feedback.at,
        "resolved_at": feedback.resolved_at,
    }


class ArticleFilters(StrictSchema):
    state: State | None = None
    kind: Kind | None = None
    category: str | None = Field(None, max_length=64)
    q: str | None = Field(None, max_length=100)


@router.post("/articles", response={201: ArticleDetailOut})
def create_article(request: HttpRequest, payload: ArticleIn) -> Status[dict[str, Any]]:
    """A new article, always a draft; submit it for review with POST …/submit."""
    user = request_user(request)
    article = services.article_create(actor=user, **payload.dict())
    return Status(201, _detail(queries.article_get_for_user(user, article.pk), user))


@router.get("/articles", response=Page[ArticleOut])
def list_articles(
    request: HttpRequest, filters: Query[ArticleFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    user = request_user(request)
    return page(
        queries.article_list(user, **filters.dict()),
        paging,
        lambda article: article_out(article, user),
    )


@router.get("/articles/{article_id}", response=ArticleDetailOut)
def get_article(request: HttpRequest, article_id: Id) -> dict[str, Any]:
    user = request_user(request)
    article = queries.article_get_for_user(user, article_id)
    services.article_viewed(actor=user, article_id=article.pk)
    return _detail(article, user)


@router.patch("/articles/{article_id}", response={200: ArticleDetailOut, **errors(409)})
def update_article(request: HttpRequest, article_id: Id, payload: ArticlePatch) -> dict[str, Any]:
    """Change the working copy; the fields sent are changed, the others kept."""
    user = request_user(request)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    services.article_update(actor=user, article_id=article_id, version=payload.version, **changes)
    return _detail(queries.article_get_for_user(user, article_id), user)


@router.post("/articles/{article_id}/feedback", response={201: FeedbackOut})
def give_feedback(
    request: HttpRequest, article_id: Id, payload: FeedbackIn
) -> Status[dict[str, Any]]:
    feedback = services.feedback_record(
        actor=request_user(request), article_id=article_id, kind=payload.kind, note=payload.note
    )
    return Status(201, feedback_out(feedback))


@router.post("/articles/{article_id}/uses", response={201: dict[str, int]})
def record_use(request: HttpRequest, article_id: Id, payload: UseIn) -> Status[dict[str, int]]:
    """The article answered this contact or helped with this work order (counted once)."""
    user = request_user(request)
    services.article_use_record(actor=user, article_id=article_id, **payload.dict())
    return Status(201, {"uses": queries.article_get_for_user(user, article_id).uses})


@router.get("/articles/{article_id}/versions", response=list[VersionOut])
def list_versions(request: HttpRequest, article_id: Id) -> list[dict[str, Any]]:
    user = request_user(request)
    article = queries.article_get_for_user(user, article_id)
    return [version_out(v) for v in queries.article_versions(user, article)]


@router.get("/articles/{article_id}/versions/{number}", response=VersionDetailOut)
def get_version(request: HttpRequest, article_id: Id, number: Version) -> dict[str, Any]:
    user = request_user(request)
    article = queries.article_get_for_user(user, article_id)
    version = queries.article_versions(user, article).filter(number=number).first()
    if version is None:
        raise NotFound(code="version_not_found")
    return {**version_out(version), "body": version.body, "html": render_markdown(version.body)}


@router.get("/articles/{article_id}/diff", response=DiffOut)
def diff_versions(
    request: HttpRequest, article_id: Id, from_version: Version, to_version: Version | None = None
) -> dict[str, Any]:
    """Line by line what changed between two published versions; without `to_version`,
    against the working copy."""
    user = request_user(request)
    article = queries.article_get_for_user(user, article_id)
    versions = {v.number: v for v in queries.article_versions(user, article)}
    before = versions.get(from_version)
    after: Article | ArticleVersion | None = (
        versions.get(to_version) if to_version is not None else article
    )
    if before is None or after is None:
        raise NotFound(code="version_not_found")
    return {
        "from_version": from_version,
        "to_version": to_version if to_version is not None else 0,
        "title_changed": before.title != after.title,
        "lines": [
            {"op": line.op, "text": line.text} for line in diff_lines(before.body, after.body)
        ],
    }


@router.get("/search", response=Page[SearchItem])
def search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """The articles that answer `q`, best first; `score` is BM25, higher is better."""
    hits = queries.article_search(
        request_user(request),
        params.q,
        kind=params.kind,
        category=params.category,
        limit=params.limit,
    )
    items = [
        {
            "id": hit.article.pk,
            "title": hit.title,
            "kind": hit.article.kind,
            "snippet": hit.snippet,
            "score": round(hit.score, 6),
        }
        for hit in hits
    ]
    return {"items": items, "count": len(items)}


@router.get("/suggest", response=dict[str, list[str]])
def suggest(request: HttpRequest, q: str = "") -> dict[str, list[str]]:
    """What the agent may be typing: common terms and matching titles."""
    if len(q) > 50:
        raise Invalid(_("The query is too long."), code="q_too_long", detail={"field": "q"})
    return {"items": queries.search_suggestions(request_user(request), q)}


@router.get("/tickets/{number}/articles", response=Page[SearchItem])
def articles_for_ticket(request: HttpRequest, number: str) -> dict[str, Any]:
    """Articles that may help with a work order, by its category and its text."""
    user = request_user(request)
    hits = queries.articles_for_ticket(user, ticket_get_for_user(user, number))
    items = [
        {
            "id": h.article.pk,
            "title": h.title,
            "kind": h.article.kind,
            "snippet": h.snippet,
            "score": h.score,
        }
        for h in hits
    ]
    return {"items": items, "count": len(items)}


@router.get("/feedback", response=Page[FeedbackOut])
def list_feedback(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    """The editors' queue: articles marked outdated or wrong, not yet dealt with."""
    return page(queries.feedback_queue(request_user(request)), paging, feedback_out)


@router.post("/feedback/{feedback_id}/resolve", response=FeedbackOut)
def resolve_feedback(request: HttpRequest, feedback_id: Id, payload: ResolveIn) -> dict[str, Any]:
    feedback = services.feedback_resolve(
        actor=request_user(request), feedback_id=feedback_id, note=payload.note
    )
    return feedback_out(feedback)


@router.post("/cases", response={201: ArticleDetailOut, **errors(404, 409)})
def case_from_ticket(request: HttpRequest, payload: CaseIn) -> Status[dict[str, Any]]:
    """A draft case written from a closed work order."""
    user = request_user(request)
    article = services.article_case_from_ticket(actor=user, number=payload.ticket)
    return Status(201, _detail(queries.article_get_for_user(user, article.pk), user))


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


def attachment_out(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "url": reverse("attachment_download", args=[attachment.pk]),
    }


@router.get("/articles/{article_id}/attachments", response=list[AttachmentOut])
def list_attachments(request: HttpRequest, article_id: Id) -> list[dict[str, Any]]:
    article = queries.article_get_for_user(request_user(request), article_id)
    return [attachment_out(a) for a in article.attachments.all()]


@router.post("/articles/{article_id}/attachments", response={201: AttachmentOut})
def add_attachment(
    request: HttpRequest, article_id: Id, file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    """A multipart upload (`file`): PDF, images, Office documents or text, 10 MB at most."""
    attachment = services.attachment_add(
        actor=request_user(request), article_id=article_id, upload=file
    )
    return Status(201, attachment_out(attachment))


@router.delete("/attachments/{attachment_id}", response={204: None})
def remove_attachment(request: HttpRequest, attachment_id: Id) -> Status[None]:
    services.attachment_remove(actor=request_user(request), attachment_id=attachment_id)
    return Status(204, None)


# Last, so that the fixed paths above (feedback, uses, attachments) are matched first.
@router.post("/articles/{article_id}/{action}", response={200: ArticleDetailOut, **errors(409)})
def act_on_article(
    request: HttpRequest,
    article_id: Id,
    action: Literal["submit", "approve", "reject", "withdraw", "recall"],
    payload: ArticleActionIn,
) -> dict[str, Any]:
    user = request_user(request)
    services.article_act(
        actor=user,
        article_id=article_id,
        action=action,
        version=payload.version,
        reason=payload.reason,
    )
    return _detail(queries.article_get_for_user(user, article_id), user)
