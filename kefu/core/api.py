from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from kefu.core.http import request_user
from kefu.core.schemas import StrictSchema, errors
from kefu.core.services import token_issue

router = Router(tags=["platform"])


class TokenIn(StrictSchema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=256)


class TokenOut(Schema):
    token: str


class MeOut(Schema):
    username: str
    full_name: str
    role: str | None
    centre: str | None
    team: str | None
    department: str | None


@router.post("/auth/token", auth=None, response={200: TokenOut, **errors(401)})
def issue_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    return {"token": token_issue(username=payload.username, password=payload.password)}


@router.get("/me", response=MeOut)
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
