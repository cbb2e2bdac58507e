"""Taking survey answers (issue 19 point 2): from the survey page (single-use link), a
digit replied to the SMS, an agent on a contact, or the IVR; a low score handed to the
dissatisfied-customer list."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Contact
from kefu.core.errors import Conflict, Invalid, NotFound
from kefu.core.models import OrgUnit, User
from kefu.core.queries import token_digest
from kefu.core.roles import MANAGE_OUTREACH, WORK_CALLBACKS
from kefu.core.services.audit import audit_record
from kefu.customers.models import CustomerPhone
from kefu.satisfaction import scores
from kefu.satisfaction.models import (
    AnsweredVia,
    CallbackState,
    CallbackTask,
    InboundMessage,
    Invitation,
    InvitationState,
    Purpose,
    QuestionKind,
    SurveyAnswer,
    SurveyChannel,
    SurveyQuestion,
    SurveyTemplate,
    SurveyVersion,
)
from kefu.satisfaction.queries.callbacks import callback_task_get_for_user
from kefu.satisfaction.services.callbacks import may_work
from kefu.satisfaction.services.outbound import address_normalize, opt_out_record
from kefu.satisfaction.services.surveys.invitations import (
    Recipient,
    invite,
    send_context,
    template_for,
)
from kefu.satisfaction.services.surveys.templates import (
    centre_of,
    current_version,
    require_permission,
)

#: Called inside the answer's transaction with each invitation answered with a low score
#: (CSAT 1-2, NPS 0-6): dotted paths of functions taking the invitation. The
#: dissatisfied-customer list registers its entry here (or reads
#: `kefu.satisfaction.queries.surveys.survey_low_scores_since`).
LOW_SCORE_HANDLERS: list[str] = [
    "kefu.satisfaction.services.dissatisfied.survey_low_score_enter",
]


def _low_score(invitation: Invitation, answers: Iterable[SurveyAnswer]) -> None:
    if any(scores.is_low(answer.kind, answer.score) for answer in answers):
        for path in LOW_SCORE_HANDLERS:
            import_string(path)(invitation)


def _answers_of(
    version: SurveyVersion, values: Mapping[int, str], *, partial: bool = False
) -> list[tuple[SurveyQuestion, int | None, str]]:
    """Check one value per question (the question's id to what was given) and return
    them parsed; a missing required answer, or a score off its scale, is refused naming
    the question."""
    errors: dict[str, str] = {}
    parsed: list[tuple[SurveyQuestion, int | None, str]] = []
    for question in version.questions.all():
        raw = (values.get(question.pk) or "").strip()
        if not raw:
            if question.required and not partial:
                errors[str(question.pk)] = gettext("Please answer this question.")
            continue
        if question.kind == QuestionKind.TEXT:
            parsed.append((question, None, raw[:1000]))
            continue
        score = scores.digit_answer(raw, question.kind)
        if score is None:
            errors[str(question.pk)] = gettext("Choose one of the scores shown.")
        else:
            parsed.append((question, score, ""))
    unknown = set(values) - {q.pk for q in version.questions.all()}
    if unknown:
        errors["questions"] = gettext("These are not questions of this survey.")
    if errors:
        raise Invalid(code="answers_invalid", detail=errors)
    if not parsed:
        raise Invalid(code="answers_invalid", detail={"questions": gettext("Please answer.")})
    return parsed


def _record_answers(
    invitation: Invitation,
    parsed: list[tuple[SurveyQuestion, int | None, str]],
    via: str,
    at: dt.datetime,
    actor: User | None = None,
) -> None:
    rows = [
        SurveyAnswer(invitation=invitation, question=q, kind=q.kind, score=score, text=text)
        for q, score, text in parsed
    ]
    SurveyAnswer.objects.bulk_create(rows)
    invitation.state = InvitationState.ANSWERED
    invitation.answered_at = at
    invitation.answered_via = via
    invitation.recorded_by = actor
    invitation.save(update_fields=["state", "answered_at", "answered_via", "recorded_by"])
    _low_score(invitation, rows)


def _open_by_token(raw: str, now: dt.datetime) -> Invitation:
    """The pending, unexpired invitation of a link, locked; otherwise NotFound, the same
    for a guessed, expired, answered or unsubscribed link."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token_digest=token_digest(raw), state=InvitationState.PENDING, expires_at__gt=now)
        .first()
        if 10 <= len(raw) <= 64
        else None
    )
    if invitation is None:
        raise NotFound(code="survey_link_invalid")
    return invitation


@transaction.atomic
def survey_answer(
    *, token: str, values: Mapping[int, str], now: dt.datetime | None = None
) -> Invitation:
    """The customer answers on the survey page. A link answers once: a second answer,
    like an expired or guessed link, is refused with nothing said about why."""
    moment = now or timezone.now()
    invitation = _open_by_token(token, moment)
    parsed = _answers_of(invitation.version, values)
    _record_answers(invitation, parsed, AnsweredVia.LINK, moment)
    return invitation


@transaction.atomic
def survey_unsubscribe(*, token: str, now: dt.datetime | None = None) -> None:
    """退订 on the survey page: the number or address is opted out of the channel the
    invitation came by, and the link is used up."""
    invitation = _open_by_token(token, now or timezone.now())
    opt_out_record(
        centre=invitation.centre,
        channel=invitation.channel,
        address=invitation.address,
        source="link",
    )
    invitation.state = InvitationState.DECLINED
    invitation.save(update_fields=["state"])


def survey_reply_handle(inbound: InboundMessage) -> bool:
    """A reply handler of the outbox (REPLY_HANDLERS): a digit answering the first
    question of the survey whose message the reply answers. Takes the reply when that
    survey is still open and the digit is on the question's scale."""
    message = inbound.reply_to
    if message is None or message.purpose != Purpose.SURVEY:
        return False
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(
                message=message, state=InvitationState.PENDING, expires_at__gt=inbound.received_at
            )
            .first()
        )
        if invitation is None:
            return False
        first = invitation.version.questions.order_by("position").first()
        if first is None or first.kind == QuestionKind.TEXT:
            return False
        score = scores.digit_answer(inbound.text, first.kind)
        if score is None:
            return False
        _record_answers(invitation, [(first, score, "")], AnsweredVia.REPLY, inbound.received_at)
    return True


def _record_on_call(
    *,
    actor: User,
    centre: OrgUnit,
    template: SurveyTemplate,
    recipient: Recipient,
    values: Mapping[int, str],
    moment: dt.datetime,
    staff: User | None,
    exists: str,
) -> Invitation:
    """The survey an agent asks on the phone, under the recipient's key: one per key (a
    second is refused with `exists`), the answers checked, the cap and an opt-out of every
    channel honoured (a refused invitation is kept and returned), the answers recorded by
    the actor. `staff` is whom the survey is about when they have no staff ID."""
    if Invitation.objects.filter(centre=centre, key=recipient.key).exists():
        raise Conflict(exists, code="survey_exists")
    context = send_context(centre, template, [recipient], moment, SurveyChannel.AGENT)
    if staff is not None and not recipient.staff_number:
        context.staff[""] = staff
    parsed = _answers_of(context.version, values)
    invitation = invite(context, recipient, SurveyChannel.AGENT)
    if invitation.state == InvitationState.REFUSED:
        return invitation
    _record_answers(invitation, parsed, AnsweredVia.AGENT, moment, actor)
    return invitation


@transaction.atomic
def survey_record(
    *,
    actor: User,
    template_id: int,
    contact_id: int,
    values: Mapping[int, str],
    now: dt.datetime | None = None,
) -> Invitation:
    """An agent asks the survey on a contact and records what the customer says. The
    survey is about the contact's agent. Refused when the customer had the period's
    surveys or unsubscribed from everything; one per contact."""
    require_permission(actor, WORK_CALLBACKS)
    centre = centre_of(actor)
    template = template_for(actor, centre, template_id)
    contact = Contact.objects.select_related("agent").filter(pk=contact_id, centre=centre).first()
    if contact is None:
        raise NotFound()
    recipient = Recipient(
        key=f"contact:{contact.pk}",
        address=contact.caller_number,
        customer_id=contact.customer_id,
        staff_number=contact.agent.employee_number if contact.agent else "",
        contact_id=contact.pk,
    )
    return _record_on_call(
        actor=actor,
        centre=centre,
        template=template,
        recipient=recipient,
        values=values,
        moment=now or timezone.now(),
        staff=contact.agent,
        exists=str(_("This contact has its survey already.")),
    )


@transaction.atomic
def survey_record_on_task(
    *, actor: User, task_id: int, values: Mapping[int, str], now: dt.datetime | None = None
) -> Invitation:
    """An agent records the survey of an outbound list (a market survey, 003 一(二)3;
    the thank-you call's questions, 002 第2篇) that the customer answers on the list's
    call. Only who may work the task records it (its assignee, or who keeps the centre's
    outreach); a task of another centre, or one they may not work, is not found. The
    survey is the customer's opinion collected by the calling agent: their staff ID. One
    per task (key `callback:<id>`); the cap and an opt-out of every channel are honoured
    as on a contact. The customer is reached at their mobile."""
    require_permission(actor, WORK_CALLBACKS)
    centre = centre_of(actor)
    task = callback_task_get_for_user(actor, task_id)
    if not may_work(actor, task):
        raise NotFound()
    # Two agents' records of one call wait for each other: the second finds the first.
    list(CallbackTask.objects.select_for_update().filter(pk=task.pk).values_list("pk"))
    if task.state == CallbackState.CANCELLED:
        raise Conflict(_("This call was cancelled."), code="task_cancelled")
    template = task.call_list.survey if task.call_list else None
    if template is None:
        raise Invalid(_("This call's list has no survey."), code="no_survey")
    recipient = Recipient(
        key=f"callback:{task.pk}",
        customer_id=task.customer_id,
        staff_number=actor.employee_number,
    )
    return _record_on_call(
        actor=actor,
        centre=centre,
        template=template,
        recipient=recipient,
        values=values,
        moment=now or timezone.now(),
        staff=actor,
        exists=str(_("This call has its survey already.")),
    )


@dataclass
class ImportResult:
    recorded: int = 0
    repeated: int = 0
    refused: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


IVR_COLUMNS = ("call_id", "number", "score")
#: Rows one IVR file may hold: each is recorded on its own.
IVR_MAX_ROWS = 8000


@transaction.atomic
def ivr_import(*, actor: User, template_id: int, data: str) -> ImportResult:
    """The IVR's post-call survey as CSV with a header: call_id, number, score and
    optionally staff_id. The score answers the survey's first question. A call already
    imported counts once; a number unsubscribed from everything is not recorded; the
    answers count toward the customer's cap."""
    require_permission(actor, MANAGE_OUTREACH)
    centre = centre_of(actor)
    template = template_for(actor, centre, template_id)
    reader = csv.DictReader(io.StringIO(data.lstrip("\ufeff")))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    if not set(IVR_COLUMNS) <= set(header):
        raise Invalid(
            _("The file needs the columns call_id, number and score."), code="ivr_columns"
        )
    reader.fieldnames = header
    rows = list(reader)
    if len(rows) > IVR_MAX_ROWS:
        raise Invalid(code="too_many_rows", detail={"max": IVR_MAX_ROWS})
    version = current_version(template)
    first = version.questions.order_by("position")[:1].get()
    result = ImportResult()
    now = timezone.now()
    for line, row in enumerate(rows, start=2):
        call_id = (row.get("call_id") or "").strip()
        score = scores.digit_answer(row.get("score") or "", first.kind)
        if not call_id or score is None:
            result.errors.append((line, gettext("No call id, or a score off the scale.")))
            continue
        key = f"ivr:{call_id}"[:100]
        if Invitation.objects.filter(centre=centre, key=key).exists():
            result.repeated += 1
            continue
        try:
            number = address_normalize(SurveyChannel.SMS, row.get("number") or "")
        except Invalid:
            number = ""
        phone = (
            CustomerPhone.objects.filter(number=number, customer__centre=centre).first()
            if number
            else None
        )
        recipient = Recipient(
            key=key,
            address=number,
            customer_id=phone.customer_id if phone else None,
            staff_number=(row.get("staff_id") or "").strip(),
        )
        context = send_context(centre, template, [recipient], now, SurveyChannel.IVR)
        invitation = invite(context, recipient, SurveyChannel.IVR)
        if invitation.state == InvitationState.REFUSED:
            result.refused += 1
            continue
        _record_answers(invitation, [(first, score, "")], AnsweredVia.IVR, now, actor)
        result.recorded += 1
    audit_record(
        actor=actor,
        action="satisfaction.ivr_import",
        obj=template,
        after={
            "recorded": result.recorded,
            "refused": result.refused,
            "errors": len(result.errors),
        },
    )
    return result
