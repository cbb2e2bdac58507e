"""Surveys over the API at /api/v1/satisfaction/surveys/ (issue 19 point 2): the
templates, invitations sent in bulk (up to 10,000 a call, each under a key of the
caller's that makes a repeat safe), the answers, an agent's record on a contact, the
IVR's import, skipping a conversation, the figures with their formulas and intervals,
and the monthly questionnaires with their spot checks. Creates answer 201 and so honour
`Idempotency-Key` (kefu.core.idempotency)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router
from ninja.responses import Status

from kefu.core.errors import Forbidden, Invalid
from kefu.core.forms import start_of
from kefu.core.http import request_user
from kefu.core.pagination import Page, PageParams, page
from kefu.core.roles import VIEW_SATISFACTION
from kefu.core.schemas import Id, Out, StrictSchema, errors
from kefu.satisfaction import scores
from kefu.satisfaction.models import (
    Invitation,
    InvitationState,
    Questionnaire,
    SurveyTemplate,
)
from kefu.satisfaction.queries.surveys import (
    invitations_visible_to,
    label_of,
    latest_version,
    questionnaires_of,
    survey_figures,
    template_get_for_user,
    templates_of,
)
from kefu.satisfaction.services import surveys as services

router = Router(tags=["surveys"])

SurveyTouchpoint = Literal[
    "hotline", "work_order", "field_repair", "service_hall", "online", "other"
]
SurveyScale = Literal["csat", "nps", "ces", "text"]
SurveySendTrigger = Literal["manual", "after_contact", "after_ticket"]
SurveySendChannel = Literal["sms", "email"]
SurveyGroupBy = Literal["whole", "touchpoint", "team", "staff", "kind", "survey", "month"]
SpotOutcome = Literal["confirmed", "disputed", "unreachable"]


class SurveyQuestionIn(StrictSchema):
    kind: SurveyScale = Field(description="csat 1-5, nps 0-10, ces 1-7 (7 very easy), text.")
    text: str = Field(min_length=1, max_length=200)
    required: bool = True


class SurveyTemplateIn(StrictSchema):
    name: str = Field(min_length=1, max_length=100)
    touchpoint: SurveyTouchpoint
    trigger: SurveySendTrigger = "manual"
    channel: SurveySendChannel = "sms"
    delay_hours: int = Field(1, ge=0, le=720)
    expiry_days: int = Field(7, ge=1, le=90)
    active: bool = True
    intro: str = Field(min_length=1, max_length=500)
    thanks: str = Field(min_length=1, max_length=200)
    sms_text: str = Field(min_length=1, max_length=300)
    questions: list[SurveyQuestionIn] = Field(min_length=1, max_length=services.MAX_QUESTIONS)


class SurveyQuestionOut(Out):
    id: int
    position: int
    kind: SurveyScale
    text: str
    required: bool


class SurveyTemplateOut(Out):
    id: int
    name: str
    touchpoint: SurveyTouchpoint
    trigger: SurveySendTrigger
    channel: SurveySendChannel
    delay_hours: int
    expiry_days: int
    active: bool
    version: int
    sent: bool = Field(description="The version has been sent: a change makes the next one.")
    intro: str
    thanks: str
    sms_text: str
    questions: list[SurveyQuestionOut]


class SurveyRecipientIn(StrictSchema):
    key: str = Field(min_length=1, max_length=100, description="Yours; a repeat is safe.")
    address: str = Field("", max_length=254, description="Number or e-mail address.")
    customer: Id | None = Field(None, description="A customer's id (their mobile is used).")
    staff_id: str = Field("", max_length=32, description="The staff ID it asks about.")
    contact: Id | None = None
    ticket: Id | None = None


class SurveySendIn(StrictSchema):
    channel: SurveySendChannel | None = Field(None, description="The survey's own by default.")
    recipients: list[SurveyRecipientIn] = Field(min_length=1, max_length=services.MAX_RECIPIENTS)


class SurveyInvitationOut(Out):
    id: int
    key: str
    state: Literal["pending", "answered", "refused", "declined"]
    refusal: Literal["", "opted_out", "capped", "no_address"]
    channel: Literal["sms", "email", "agent", "ivr"]
    sent_at: datetime
    expires_at: datetime


class SurveySendOut(Out):
    sent: int
    refused: int
    items: list[SurveyInvitationOut]


class SurveyAnswerOut(Out):
    question: int
    kind: SurveyScale
    text_asked: str
    score: int | None
    text: str


class SurveyResponseOut(Out):
    id: int
    survey: int
    version: int
    touchpoint: SurveyTouchpoint
    staff_id: str
    customer: int | None
    channel: Literal["sms", "email", "agent", "ivr"]
    answered_via: Literal["link", "reply", "agent", "ivr"]
    answered_at: datetime
    answers: list[SurveyAnswerOut]


class SurveyResponseFilters(StrictSchema):
    since: date | None = None
    until: date | None = None
    survey: Id | None = None
    staff_id: str | None = Field(None, max_length=32)


class SurveyFigureOut(Out):
    n: int
    value: float | None
    low: float | None = Field(description="95 % interval; null when there is none.")
    high: float | None


class SurveyFiguresRowOut(Out):
    group: str
    sent: int
    answered: int
    response_rate: SurveyFigureOut
    csat: SurveyFigureOut
    nps: SurveyFigureOut
    ces: SurveyFigureOut


class SurveyFormulasOut(Out):
    csat: str
    nps: str
    ces: str
    rate: str


class SurveyFiguresOut(Out):
    since: date
    until: date
    by: SurveyGroupBy
    formulas: SurveyFormulasOut
    whole: SurveyFiguresRowOut
    groups: list[SurveyFiguresRowOut]


class SurveyFiguresFilters(StrictSchema):
    since: date | None = None
    until: date | None = None
    by: SurveyGroupBy = "touchpoint"


class SurveySkipIn(StrictSchema):
    contact: Id | None = None
    ticket: Id | None = None
    reason: str = Field("", max_length=200)


class SurveySkipOut(Out):
    id: int
    key: str
    reason: str


class SurveyIvrIn(StrictSchema):
    csv: str = Field(
        min_length=1, max_length=2_000_000, description="Header: call_id,number,score[,staff_id]."
    )


class SurveyIvrErrorOut(Out):
    line: int
    message: str


class SurveyIvrOut(Out):
    recorded: int
    repeated: int
    refused: int
    errors: list[SurveyIvrErrorOut]


class QuestionnaireIn(StrictSchema):
    month: date
    staff_id: str = Field(min_length=1, max_length=32)
    respondent: str = Field(min_length=1, max_length=100)
    phone: str = Field(min_length=1, max_length=30)
    score: int = Field(ge=1, le=5)
    paper_number: str = Field(min_length=1, max_length=40)
    comment: str = Field("", max_length=1000)


class QuestionnaireOut(Out):
    id: int
    month: date
    staff_id: str
    respondent: str
    score: int
    paper_number: str
    comment: str
    spot_check: Literal["", "drawn", "confirmed", "disputed", "unreachable"]
    check_note: str


class QuestionnaireDrawIn(StrictSchema):
    month: date
    share: float = Field(gt=0, le=1, description="The share of each staff member's forms.")


class QuestionnaireCheckIn(StrictSchema):
    outcome: SpotOutcome
    note: str = Field("", max_length=500)


class QuestionnaireFilters(StrictSchema):
    month: date | None = None
    spot_check: Literal["", "drawn", "confirmed", "disputed", "unreachable"] | None = None


def template_out(template: SurveyTemplate) -> dict[str, Any]:
    version = latest_version(template)
    return {
        "id": template.pk,
        "name": template.name,
        "touchpoint": template.touchpoint,
        "trigger": template.trigger,
        "channel": template.channel if template.channel in ("sms", "email") else "sms",
        "delay_hours": template.delay_hours,
        "expiry_days": template.expiry_days,
        "active": template.active,
        "version": version.number,
        "sent": version.sent,
        "intro": version.intro,
        "thanks": version.thanks,
        "sms_text": version.sms_text,
        "questions": [
            {
                "id": q.pk,
                "position": q.position,
                "kind": q.kind,
                "text": q.text,
                "required": q.required,
            }
            for q in version.questions.all()
        ],
    }


def _spec(payload: SurveyTemplateIn) -> services.TemplateSpec:
    return services.TemplateSpec(
        name=payload.name,
        touchpoint=payload.touchpoint,
        trigger=payload.trigger,
        channel=payload.channel,
        delay_hours=payload.delay_hours,
        expiry_days=payload.expiry_days,
        active=payload.active,
        intro=payload.intro,
        thanks=payload.thanks,
        sms_text=payload.sms_text,
        questions=[services.QuestionSpec(q.kind, q.text, q.required) for q in payload.questions],
    )


def invitation_out(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.pk,
        "key": invitation.key,
        "state": invitation.state,
        "refusal": invitation.refusal,
        "channel": invitation.channel,
        "sent_at": invitation.sent_at,
        "expires_at": invitation.expires_at,
    }


def response_out(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.pk,
        "survey": invitation.version.template_id,
        "version": invitation.version.number,
        "touchpoint": invitation.touchpoint,
        "staff_id": invitation.staff_number,
        "customer": invitation.customer_id,
        "channel": invitation.channel,
        "answered_via": invitation.answered_via,
        "answered_at": invitation.answered_at,
        "answers": [
            {
                "question": a.question_id,
                "kind": a.kind,
                "text_asked": a.question.text,
                "score": a.score,
                "text": a.text,
            }
            for a in invitation.answers.all()
        ],
    }


def _figure(figure: scores.Figure) -> dict[str, Any]:
    return {"n": figure.n, "value": figure.value, "low": figure.low, "high": figure.high}


def _row(group: str, figures: scores.Figures) -> dict[str, Any]:
    return {
        "group": group,
        "sent": figures.sent,
        "answered": figures.answered,
        "response_rate": _figure(figures.rate),
        "csat": _figure(figures.csat),
        "nps": _figure(figures.nps),
        "ces": _figure(figures.ces),
    }


def questionnaire_out(q: Questionnaire) -> dict[str, Any]:
    return {
        "id": q.pk,
        "month": q.month,
        "staff_id": q.staff_number,
        "respondent": q.respondent,
        "score": q.score,
        "paper_number": q.paper_number,
        "comment": q.comment,
        "spot_check": q.spot_check,
        "check_note": q.check_note,
    }


@router.get("/templates", response=Page[SurveyTemplateOut])
def list_templates(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    """The centre's surveys with their current version."""
    return page(templates_of(request_user(request)).order_by("name", "pk"), paging, template_out)


@router.post("/templates", response={201: SurveyTemplateOut, **errors(403, 409, 422)})
def create_template(request: HttpRequest, payload: SurveyTemplateIn) -> Status[dict[str, Any]]:
    user = request_user(request)
    template = services.template_create(actor=user, spec=_spec(payload))
    return Status(201, template_out(template_get_for_user(user, template.pk)))


@router.get("/templates/{int:template_id}", response={200: SurveyTemplateOut, **errors(404)})
def get_template(request: HttpRequest, template_id: Id) -> dict[str, Any]:
    return template_out(template_get_for_user(request_user(request), template_id))


@router.put(
    "/templates/{int:template_id}", response={200: SurveyTemplateOut, **errors(403, 404, 409, 422)}
)
def revise_template(
    request: HttpRequest, template_id: Id, payload: SurveyTemplateIn
) -> dict[str, Any]:
    """Change a survey: in place while its version has not been sent, else a new version."""
    user = request_user(request)
    services.template_revise(actor=user, template_id=template_id, spec=_spec(payload))
    return template_out(template_get_for_user(user, template_id))


@router.post(
    "/templates/{int:template_id}/invitations",
    response={201: SurveySendOut, **errors(403, 404, 422)},
)
def send_invitations(
    request: HttpRequest, template_id: Id, payload: SurveySendIn
) -> Status[dict[str, Any]]:
    """Send the survey to up to 10,000 recipients in one call. Each gets a single-use link
    by SMS or e-mail; one over the cap, unsubscribed or without an address is kept as
    not sent with the reason. A key already used returns its invitation unchanged."""
    invitations = services.invitations_send(
        actor=request_user(request),
        template_id=template_id,
        channel=payload.channel,
        recipients=[
            services.Recipient(
                key=r.key,
                address=r.address,
                customer_id=r.customer,
                staff_number=r.staff_id,
                contact_id=r.contact,
                ticket_id=r.ticket,
            )
            for r in payload.recipients
        ],
    )
    refused = sum(1 for i in invitations if i.state == InvitationState.REFUSED)
    return Status(
        201,
        {
            "sent": len(invitations) - refused,
            "refused": refused,
            "items": [invitation_out(i) for i in invitations],
        },
    )


@router.post(
    "/templates/{int:template_id}/ivr", response={201: SurveyIvrOut, **errors(403, 404, 422)}
)
def import_ivr(
    request: HttpRequest, template_id: Id, payload: SurveyIvrIn
) -> Status[dict[str, Any]]:
    """The IVR's post-call scores as CSV; a call already imported counts once."""
    result = services.ivr_import(
        actor=request_user(request), template_id=template_id, data=payload.csv
    )
    return Status(
        201,
        {
            "recorded": result.recorded,
            "repeated": result.repeated,
            "refused": result.refused,
            "errors": [{"line": line, "message": message} for line, message in result.errors],
        },
    )


@router.get("/responses", response=Page[SurveyResponseOut])
def list_responses(
    request: HttpRequest, filters: Query[SurveyResponseFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    """The answered surveys, newest first; `since` and `until` select by answer date."""
    rows = invitations_visible_to(request_user(request)).filter(state=InvitationState.ANSWERED)
    if filters.since:
        rows = rows.filter(answered_at__gte=start_of(filters.since))
    if filters.until:
        rows = rows.filter(answered_at__lt=start_of(filters.until + timedelta(days=1)))
    if filters.survey:
        rows = rows.filter(version__template_id=filters.survey)
    if filters.staff_id:
        rows = rows.filter(staff_number=filters.staff_id)
    rows = rows.select_related("version").prefetch_related("answers__question")
    return page(rows.order_by("-answered_at", "-id"), paging, response_out)


@router.post("/skips", response={201: SurveySkipOut, **errors(403, 404, 422)})
def skip_survey(request: HttpRequest, payload: SurveySkipIn) -> Status[dict[str, Any]]:
    """No survey for this contact or work order (name one)."""
    skip = services.survey_skip(
        actor=request_user(request),
        contact_id=payload.contact,
        ticket_id=payload.ticket,
        reason=payload.reason,
    )
    return Status(201, {"id": skip.pk, "key": skip.key, "reason": skip.reason})


@router.get("/figures", response={200: SurveyFiguresOut, **errors(403, 422)})
def get_figures(request: HttpRequest, filters: Query[SurveyFiguresFilters]) -> dict[str, Any]:
    """Response rate, CSAT, NPS and CES of the surveys sent in the period (this month by
    default), with their formulas and 95 % intervals, grouped `by`."""
    user = request_user(request)
    if not user.has_perm(VIEW_SATISFACTION):
        raise Forbidden()
    today = timezone.localdate()
    since = filters.since or today.replace(day=1)
    until = filters.until or today
    if until < since or (until - since).days > 366:
        raise Invalid(code="period_invalid", detail={"until": "at most a year after since"})
    start, end = start_of(since), start_of(until + timedelta(days=1))
    invitations = invitations_visible_to(user)
    whole = survey_figures(invitations, start, end)
    empty = scores.figures(scores.Counts())
    return {
        "since": since,
        "until": until,
        "by": filters.by,
        "formulas": scores.FORMULAS,
        "whole": _row("", whole[0].figures if whole else empty),
        "groups": [
            _row(label_of(filters.by, row.key), row.figures)
            for row in survey_figures(invitations, start, end, filters.by)
        ],
    }


@router.get("/questionnaires", response=Page[QuestionnaireOut])
def list_questionnaires(
    request: HttpRequest, filters: Query[QuestionnaireFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    rows = questionnaires_of(request_user(request))
    if filters.month:
        rows = rows.filter(month=filters.month.replace(day=1))
    if filters.spot_check is not None:
        rows = rows.filter(spot_check=filters.spot_check)
    return page(rows.order_by("-month", "staff_number", "id"), paging, questionnaire_out)


@router.post("/questionnaires", response={201: QuestionnaireOut, **errors(403, 409, 422)})
def record_questionnaire(request: HttpRequest, payload: QuestionnaireIn) -> Status[dict[str, Any]]:
    """Archive a monthly paper questionnaire signed with the staff ID (000 第7篇)."""
    questionnaire = services.questionnaire_record(
        actor=request_user(request),
        month=payload.month,
        staff_number=payload.staff_id,
        respondent=payload.respondent,
        phone=payload.phone,
        score=payload.score,
        paper_number=payload.paper_number,
        comment=payload.comment,
    )
    return Status(201, questionnaire_out(questionnaire))


@router.post("/questionnaires/draw", response={200: list[QuestionnaireOut], **errors(403, 422)})
def draw_questionnaires(request: HttpRequest, payload: QuestionnaireDrawIn) -> list[dict[str, Any]]:
    """Draw a share of each staff member's questionnaires of the month to call back."""
    drawn = services.questionnaires_spot_draw(
        actor=request_user(request), month=payload.month, share=payload.share
    )
    return [questionnaire_out(q) for q in drawn]


@router.post(
    "/questionnaires/{int:questionnaire_id}/check",
    response={200: QuestionnaireOut, **errors(403, 404, 409, 422)},
)
def check_questionnaire(
    request: HttpRequest, questionnaire_id: Id, payload: QuestionnaireCheckIn
) -> dict[str, Any]:
    """The outcome of calling the owner of a drawn questionnaire back."""
    questionnaire = services.questionnaire_check_record(
        actor=request_user(request),
        questionnaire_id=questionnaire_id,
        outcome=payload.outcome,
        note=payload.note,
    )
    return questionnaire_out(questionnaire)
