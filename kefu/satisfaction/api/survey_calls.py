"""Surveys an agent records on a call, over the API at /api/v1/satisfaction/surveys/
(issue 19 points 2 and 5): the answers a customer gives on a contact, to a survey the
agent picks, and on an outbound list's call, to the list's survey (a market survey, 003
一(二)3). A create answers 201 and so honours `Idempotency-Key`; a second record of one
contact or call is refused (409)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router
from ninja.responses import Status

from kefu.core.errors import NotFound
from kefu.core.http import request_user
from kefu.core.schemas import Id, StrictSchema, errors
from kefu.satisfaction.api.surveys import SurveyInvitationOut, invitation_out
from kefu.satisfaction.services import surveys as services

router = Router(tags=["surveys"])


def answer_values(answers: Mapping[str, str]) -> dict[int, str]:
    """The answers by question id; a key that is no question id is not found."""
    values: dict[int, str] = {}
    for key, value in answers.items():
        if not key.isdigit() or len(key) > 18:
            raise NotFound(code="question_unknown")
        values[int(key)] = value[:1000]
    return values


class SurveyRecordIn(StrictSchema):
    survey: Id
    answers: dict[str, str] = Field(
        description="Question id to the answer (a score as digits, or text).", max_length=10
    )


class SurveyCallRecordIn(StrictSchema):
    answers: dict[str, str] = Field(
        description="Question id to the answer (a score as digits, or text).", max_length=10
    )


@router.post(
    "/callbacks/{int:task_id}/responses",
    response={201: SurveyInvitationOut, **errors(403, 404, 409, 422)},
)
def record_call_response(
    request: HttpRequest, task_id: Id, payload: SurveyCallRecordIn
) -> Status[dict[str, Any]]:
    """The agent working an outbound list's call records the customer's answers to the
    list's survey, under their own staff ID (one survey per call). 201 with the
    invitation: `answered`, or `refused` (`capped`: the customer had the period's
    surveys; `opted_out`: unsubscribed from everything). 403 without the right to work
    callbacks; 404 for a call that is not theirs to work, of another centre, or unknown;
    409 when the call has its survey already (`survey_exists`) or was cancelled
    (`task_cancelled`); 422 for answers off the survey's scale, a
    required answer missing, or a list without a survey."""
    invitation = services.survey_record_on_task(
        actor=request_user(request), task_id=task_id, values=answer_values(payload.answers)
    )
    return Status(201, invitation_out(invitation))


@router.post(
    "/contacts/{int:contact_id}/responses",
    response={201: SurveyInvitationOut, **errors(403, 404, 409, 422)},
)
def record_response(
    request: HttpRequest, contact_id: Id, payload: SurveyRecordIn
) -> Status[dict[str, Any]]:
    """An agent records the customer's answers on a contact (one survey per contact)."""
    invitation = services.survey_record(
        actor=request_user(request),
        template_id=payload.survey,
        contact_id=contact_id,
        values=answer_values(payload.answers),
    )
    return Status(201, invitation_out(invitation))
