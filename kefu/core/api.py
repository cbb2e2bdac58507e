from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Path, Router, Schema, Status
from pydantic import Field

from kefu.core.errors import DomainError, NotFound
from kefu.core.http import request_user
from kefu.core.models import ApiToken
from kefu.core.queries import tokens_of, user_for_admin
from kefu.core.schemas import ErrorOut, Id, StrictSchema
from kefu.core.services import token_issue, token_revoke_own, tokens_revoke

router = Router(tags=["platform"])

Username = Annotated[str, Path(max_length=150)]


class TokenIn(StrictSchema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=256)


class TokenOut(Schema):
    token: str


class TokenInfoOut(Schema):
    id: int
    created_at: datetime
    expires_at: datetime


class MeOut(Schema):
    username: str
    full_name: str
    role: str | None
    centre: str | None
    team: str | None
    department: str | None


class NotTokenSigned(DomainError):
    status = 400
    code = "not_token_signed"
    default_message = _("This request is not signed with an API token.")


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Sign in: a new API token",
    description=(
        "401: wrong user name or password. 429: too many failed sign-ins for this user "
        "name or from this address; `detail.retry_after` and the Retry-After header give "
        "the seconds to wait."
    ),
)
def issue_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    return {"token": token_issue(username=payload.username, password=payload.password)}


@router.delete(
    "/auth/token",
    response={204: None, 400: ErrorOut, 401: ErrorOut},
    summary="Sign out: end the token this request carries",
    description="400: the request is signed in with a page session, not an API token.",
)
def revoke_token(request: HttpRequest) -> Status[None]:
    digest = getattr(request, "kefu_token_digest", None)
    if digest is None:
        raise NotTokenSigned()
    token_revoke_own(actor=request_user(request), digest=digest)
    return Status(204, None)


@router.get(
    "/users/{username}/tokens",
    response={200: list[TokenInfoOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="A user's API tokens in force (administrators)",
)
def user_tokens(request: HttpRequest, username: Username) -> list[ApiToken]:
    return list(tokens_of(user_for_admin(request_user(request), username)))


@router.delete(
    "/users/{username}/tokens",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="End all of a user's API tokens (administrators)",
)
def user_tokens_revoke(request: HttpRequest, username: Username) -> Status[None]:
    actor = request_user(request)
    tokens_revoke(user=user_for_admin(actor, username), actor=actor, reason="revoked")
    return Status(204, None)


@router.delete(
    "/users/{username}/tokens/{token_id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="End one of a user's API tokens (administrators)",
)
def user_token_revoke(
    request: HttpRequest,
    username: Username,
    token_id: Id,
) -> Status[None]:
    actor = request_user(request)
    user = user_for_admin(actor, username)
    if not tokens_revoke(user=user, actor=actor, reason="revoked", token_id=token_id):
        raise NotFound(code="token_not_found")
    return Status(204, None)


@router.get("/me", response={200: MeOut, 401: ErrorOut})
def me(request: HttpRequest) -> dict[str, str | None]:
    user = request_user(request)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "centre": user.centre.code if user.centre else None,
        "team": user.team.code if user.team else None,
        "department": user.department.code if user.department else None,
    }
