"""Surveys (issue 19 point 2): keeping templates, sending invitations through the outbox,
taking answers from the survey page, a digit reply, an agent or the IVR, the draw after
contacts and closed work orders, skipping a conversation, and the monthly paper
questionnaires with their spot checks (000 第7篇).

Every customer-facing rule is honoured on every channel: the survey cap per customer
(`OutreachRules.surveys_per_period` per `survey_period_days`), the opt-outs (退订), and
for sent messages the quiet hours (the outbox schedules them). An agent's or the IVR's
record is made while the customer is on the line, so quiet hours do not apply to it;
an opt-out of every channel and the cap do."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import random
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Contact
from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import OrgUnit, User
from kefu.core.roles import MANAGE_OUTREACH, VIEW_SATISFACTION, WORK_CALLBACKS
from kefu.core.services.audit import audit_record
from kefu.core.validation import check_lengths
from kefu.customers.models import Customer, CustomerPhone
from kefu.satisfaction import scores
from kefu.satisfaction.models import (
    AnsweredVia,
    InboundMessage,
    Invitation,
    InvitationRefusal,
    InvitationState,
    MessageState,
    OptOut,
    OutreachRules,
    Purpose,
    QuestionKind,
    Questionnaire,
    SpotCheck,
    SurveyAnswer,
    SurveyChannel,
    SurveyQuestion,
    SurveySkip,
    SurveyTemplate,
    SurveyTrigger,
    SurveyVersion,
    Touchpoint,
)
from kefu.satisfaction.services.outbound import address_normalize, message_enqueue, rules_of
from kefu.tickets.models import Ticket

#: Called inside the answer's transaction with each invitation answered with a low score
#: (CSAT 1-2, NPS 0-6): dotted paths of functions taking the invitation. The
#: dissatisfied-customer list registers its entry here (or reads
#: `kefu.satisfaction.queries.surveys.survey_low_scores_since`).
LOW_SCORE_HANDLERS: list[str] = []

MAX_QUESTIONS = 10
#: Invitations one call may send (Formbricks sends thousands per API call). Each goes
#: through the outbox's message_enqueue (about 4-6 ms each, measured: 5,000 took 21 s on
#: SQLite and 28 s on PostgreSQL), so a call stays well inside a request's time.
MAX_RECIPIENTS = 2000
#: How far back the draw looks for contacts and closed orders it has not seen.
DRAW_LOOKBACK = dt.timedelta(days=2)
DRAW_LIMIT = 5000


def _require(actor: User, permission: str) -> None:
    if not actor.has_perm(permission):
        raise Forbidden()


def _centre_of(actor: User) -> OrgUnit:
    if actor.centre is None:
        raise Forbidden()
    return actor.centre


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def survey_link(raw: str) -> str:
    return f"{settings.KEFU_PUBLIC_URL.rstrip('/')}/s/{raw}/"


# Templates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSpec:
    kind: str
    text: str
    required: bool = True


@dataclass(frozen=True)
class TemplateSpec:
    name: str
    touchpoint: str
    intro: str
    thanks: str
    sms_text: str
    questions: Sequence[QuestionSpec]
    trigger: str = SurveyTrigger.MANUAL
    channel: str = SurveyChannel.SMS
    delay_hours: int = 1
    expiry_days: int = 7
    active: bool = True


def _check_spec(spec: TemplateSpec) -> None:
    errors: dict[str, str] = {}
    if not spec.name.strip():
        errors["name"] = gettext("Give the survey a name.")
    if spec.touchpoint not in Touchpoint.values:
        errors["touchpoint"] = gettext("There is no such touchpoint.")
    if spec.trigger not in SurveyTrigger.values:
        errors["trigger"] = gettext("There is no such way of sending.")
    if spec.channel not in SurveyChannel.values:
        errors["channel"] = gettext("There is no such channel.")
    if not 0 <= spec.delay_hours <= 720:
        errors["delay_hours"] = gettext("Between 0 and 720 hours.")
    if not 1 <= spec.expiry_days <= 90:
        errors["expiry_days"] = gettext("Between 1 and 90 days.")
    if not spec.intro.strip() or not spec.sms_text.strip() or not spec.thanks.strip():
        errors["intro"] = gettext("Write the opening, closing and invitation texts.")
    if not 1 <= len(spec.questions) <= MAX_QUESTIONS:
        errors["questions"] = gettext("A survey has 1 to 10 questions.")
    elif any(q.kind not in QuestionKind.values or not q.text.strip() for q in spec.questions):
        errors["questions"] = gettext("Every question needs a scale and a text.")
    elif spec.questions[0].kind == QuestionKind.TEXT:
        # The first question is the one a digit reply to the SMS answers.
        errors["questions"] = gettext("The first question must be scored, not free text.")
    if errors:
        raise Invalid(code="survey_invalid", detail=errors)


def _write_version(
    template: SurveyTemplate, number: int, spec: TemplateSpec, actor: User
) -> SurveyVersion:
    version = SurveyVersion(
        template=template,
        number=number,
        intro=spec.intro.strip(),
        thanks=spec.thanks.strip(),
        sms_text=spec.sms_text.strip(),
        created_by=actor,
    )
    questions = [
        SurveyQuestion(
            version=version, position=i, kind=q.kind, text=q.text.strip(), required=q.required
        )
        for i, q in enumerate(spec.questions, start=1)
    ]
    check_lengths(version, *questions)
    version.save()
    SurveyQuestion.objects.bulk_create(questions)
    return version


def _apply(template: SurveyTemplate, spec: TemplateSpec) -> None:
    template.name = spec.name.strip()
    template.touchpoint = spec.touchpoint
    template.trigger = spec.trigger
    template.channel = spec.channel
    template.delay_hours = spec.delay_hours
    template.expiry_days = spec.expiry_days
    template.active = spec.active
    check_lengths(template)


@transaction.atomic
def template_create(*, actor: User, spec: TemplateSpec) -> SurveyTemplate:
    """A new survey with its first version."""
    _require(actor, MANAGE_OUTREACH)
    _check_spec(spec)
    template = SurveyTemplate(centre=_centre_of(actor))
    _apply(template, spec)
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError as error:
        raise Conflict(
            _("A survey of this name exists."), code="survey_name_taken", detail={"name": spec.name}
        ) from error
    _write_version(template, 1, spec, actor)
    audit_record(actor=actor, action="satisfaction.survey_create", obj=template)
    return template


@transaction.atomic
def template_revise(*, actor: User, template_id: int, spec: TemplateSpec) -> SurveyTemplate:
    """Change a survey. Its texts and questions change in place while the current version
    has not been sent; once sent, the change is the next version and the answers already
    given stay tied to the questions they answered."""
    _require(actor, MANAGE_OUTREACH)
    template = (
        SurveyTemplate.objects.select_for_update()
        .filter(pk=template_id, centre_id=actor.centre_id)
        .first()
    )
    if template is None:
        raise NotFound()
    _check_spec(spec)
    before = {"name": template.name, "version": current_version(template).number}
    _apply(template, spec)
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError as error:
        raise Conflict(
            _("A survey of this name exists."), code="survey_name_taken", detail={"name": spec.name}
        ) from error
    version = current_version(template)
    if version.sent:
        version = _write_version(template, version.number + 1, spec, actor)
    else:
        version.questions.all().delete()
        version.delete()
        version = _write_version(template, version.number, spec, actor)
    audit_record(
        actor=actor,
        action="satisfaction.survey_revise",
        obj=template,
        before=before,
        after={"name": template.name, "version": version.number},
    )
    return template


def current_version(template: SurveyTemplate) -> SurveyVersion:
    # Every template is written with its first version.
    return template.versions.order_by("-number")[:1].get()


# Sending --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """One customer to ask. `key` makes the send safe to repeat (one invitation per key
    and centre); without a customer, `address` is the number or e-mail address."""

    key: str
    address: str = ""
    customer_id: int | None = None
    staff_number: str = ""
    contact_id: int | None = None
    ticket_id: int | None = None
    subject_kind: str = ""


@dataclass
class _Context:
    """What one send reads once for all its recipients: the staff, customers and their
    mobiles, the centre's rules, the invitations already under the recipients' keys, and
    the surveys each customer and address had around now (the cap)."""

    centre: OrgUnit
    template: SurveyTemplate
    version: SurveyVersion
    now: dt.datetime
    channel: str
    rules: OutreachRules
    staff: dict[str, User] = field(default_factory=dict)
    customers: dict[int, Customer] = field(default_factory=dict)
    mobiles: dict[int, str] = field(default_factory=dict)
    existing: dict[str, Invitation] = field(default_factory=dict)
    earlier: dict[tuple[str, object], list[tuple[object, dt.datetime]]] = field(
        default_factory=dict
    )
    # With `defer`, new invitations are written together at the end (a bulk send).
    defer: bool = False
    pending: list[Invitation] = field(default_factory=list)


def _address_of(context: _Context, recipient: Recipient) -> str:
    raw = recipient.address
    if not raw and recipient.customer_id and context.channel != SurveyChannel.EMAIL:
        raw = context.mobiles.get(recipient.customer_id, "")
    if not raw:
        return ""
    kind = SurveyChannel.EMAIL if context.channel == SurveyChannel.EMAIL else SurveyChannel.SMS
    try:
        return address_normalize(kind, raw)
    except Invalid:
        return ""


def _context(
    centre: OrgUnit,
    template: SurveyTemplate,
    recipients: Sequence[Recipient],
    now: dt.datetime,
    channel: str,
) -> _Context:
    context = _Context(
        centre, template, current_version(template), now, channel, rules_of(centre.pk)
    )
    numbers = {r.staff_number for r in recipients if r.staff_number}
    if numbers:
        for user in User.objects.filter(centre=centre, employee_number__in=numbers):
            context.staff[user.employee_number] = user
    ids = {r.customer_id for r in recipients if r.customer_id}
    if ids:
        context.customers = Customer.objects.filter(centre=centre).in_bulk(ids)
        mobiles = CustomerPhone.objects.filter(
            customer_id__in=ids, kind=CustomerPhone.Kind.MOBILE
        ).order_by("-position", "-id")
        for phone in mobiles:  # the first one wins: read in reverse, written over
            context.mobiles[phone.customer_id] = phone.number
    keys = [r.key.strip()[:100] for r in recipients]
    context.existing = {i.key: i for i in Invitation.objects.filter(centre=centre, key__in=keys)}
    addresses = {_address_of(context, r) for r in recipients} - {""}
    reach = dt.timedelta(days=2 * context.rules.survey_period_days)
    earlier = Invitation.objects.filter(
        Q(customer_id__in=ids) | Q(address__in=addresses),
        centre=centre,
        sent_at__gt=now - reach,
        sent_at__lt=now + reach,
        state__in=[InvitationState.PENDING, InvitationState.ANSWERED],
    ).values_list("pk", "customer_id", "address", "sent_at")
    for pk, customer_id, address, sent_at in earlier:
        _remember(context, pk, customer_id, address, sent_at)
    return context


def _remember(
    context: _Context, ident: object, customer_id: int | None, address: str, at: dt.datetime
) -> None:
    if customer_id:
        context.earlier.setdefault(("customer", customer_id), []).append((ident, at))
    if address:
        context.earlier.setdefault(("address", address), []).append((ident, at))


def _over_survey_cap(
    context: _Context, customer_id: int | None, address: str, at: dt.datetime
) -> bool:
    """Whether the customer (or the address) already had the period's surveys: within a
    period either side of `at`, so that a survey waiting for the end of the quiet hours
    counts."""
    limit = context.rules.surveys_per_period
    if limit == 0:
        return True
    period = dt.timedelta(days=context.rules.survey_period_days)
    seen = set()
    for key in (("customer", customer_id), ("address", address)):
        if key[1]:
            for ident, moment in context.earlier.get(key, []):
                if at - period < moment < at + period:
                    seen.add(ident)
    return len(seen) >= limit


def _opted_out_everywhere(centre: OrgUnit, address: str) -> bool:
    return (
        bool(address) and OptOut.objects.filter(centre=centre, address=address, channel="").exists()
    )


_REFUSALS = {
    "opted_out": InvitationRefusal.OPTED_OUT,
    "capped": InvitationRefusal.CAPPED,
    "no_address": InvitationRefusal.NO_ADDRESS,
}


def _invite(context: _Context, recipient: Recipient, channel: str) -> Invitation:
    """One invitation, sent through the outbox in this transaction: already there under
    its key, it is returned unchanged."""
    centre, version, now = context.centre, context.version, context.now
    key = recipient.key.strip()[:100]
    existing = context.existing.get(key)
    if existing is not None:
        return existing
    customer = context.customers.get(recipient.customer_id) if recipient.customer_id else None
    staff = context.staff.get(recipient.staff_number)
    address = _address_of(context, recipient)
    invitation = Invitation(
        centre=centre,
        version=version,
        key=key,
        channel=channel,
        customer=customer,
        address=address,
        touchpoint=context.template.touchpoint,
        staff=staff,
        staff_number=recipient.staff_number[:32],
        team_id=staff.team_id if staff else None,
        subject_kind=recipient.subject_kind[:16],
        contact_id=recipient.contact_id,
        ticket_id=recipient.ticket_id,
        sent_at=now,
        expires_at=now + dt.timedelta(days=context.template.expiry_days),
    )
    customer_id = customer.pk if customer else None
    if not address and channel in (SurveyChannel.SMS, SurveyChannel.EMAIL):
        invitation.state, invitation.refusal = InvitationState.REFUSED, InvitationRefusal.NO_ADDRESS
    elif _over_survey_cap(context, customer_id, address, now):
        invitation.state, invitation.refusal = InvitationState.REFUSED, InvitationRefusal.CAPPED
    elif channel in (SurveyChannel.SMS, SurveyChannel.EMAIL):
        raw = secrets.token_urlsafe(16)
        link = survey_link(raw)
        text = f"{version.sms_text} {link}"
        if channel == SurveyChannel.SMS:
            text += " " + gettext("Reply T to unsubscribe.")
        message = message_enqueue(
            centre=centre,
            channel=channel,
            address=address,
            purpose=Purpose.SURVEY,
            text=text[:500],
            key=f"survey:{key}",
            customer=customer,
            due_at=now,
        )
        invitation.message = message
        if message.state == MessageState.REFUSED:
            invitation.state = InvitationState.REFUSED
            invitation.refusal = _REFUSALS.get(message.refusal, InvitationRefusal.OPTED_OUT)
        else:
            invitation.token_digest = token_digest(raw)
            # The link is valid for its days from when it actually goes (after quiet hours).
            invitation.sent_at = message.scheduled_for
            invitation.expires_at = message.scheduled_for + dt.timedelta(
                days=context.template.expiry_days
            )
    elif _opted_out_everywhere(centre, address):
        invitation.state, invitation.refusal = InvitationState.REFUSED, InvitationRefusal.OPTED_OUT
    check_lengths(invitation)
    if context.defer:
        context.pending.append(invitation)
    else:
        invitation.save()
    context.existing[key] = invitation
    if invitation.state != InvitationState.REFUSED:
        _remember(context, ("new", id(invitation)), customer_id, address, invitation.sent_at)
        if not version.sent:
            SurveyVersion.objects.filter(pk=version.pk).update(sent=True)
            version.sent = True
    return invitation


def _template_for(actor: User | None, centre: OrgUnit, template_id: int) -> SurveyTemplate:
    template = SurveyTemplate.objects.filter(pk=template_id, centre=centre).first()
    if template is None:
        raise NotFound()
    return template


@transaction.atomic
def invitations_send(
    *,
    actor: User,
    template_id: int,
    recipients: Sequence[Recipient],
    channel: str | None = None,
    now: dt.datetime | None = None,
) -> list[Invitation]:
    """Ask each recipient the survey's current version (thousands in one call): by SMS or
    e-mail with a single-use link in the same transaction as the invitation. A recipient
    over the cap, unsubscribed or without an address gets an invitation kept as not sent,
    with the reason. Safe to repeat: a key already used returns its invitation."""
    _require(actor, MANAGE_OUTREACH)
    centre = _centre_of(actor)
    template = _template_for(actor, centre, template_id)
    if len(recipients) > MAX_RECIPIENTS:
        raise Invalid(code="too_many_recipients", detail={"max": MAX_RECIPIENTS})
    if len({r.key for r in recipients}) != len(recipients):
        raise Invalid(_("Each recipient needs a key of its own."), code="key_repeated")
    channel = channel or template.channel
    if channel not in (SurveyChannel.SMS, SurveyChannel.EMAIL):
        raise Invalid(_("Surveys are sent by text message or e-mail."), code="channel_unknown")
    context = _context(centre, template, recipients, now or timezone.now(), channel)
    context.defer = True
    invitations = [_invite(context, recipient, channel) for recipient in recipients]
    try:
        with transaction.atomic():
            Invitation.objects.bulk_create(context.pending)
    except IntegrityError as error:  # the same keys sent at the same moment by another call
        raise Conflict(
            _("These surveys are being sent by another request: try again."), code="send_race"
        ) from error
    audit_record(
        actor=actor,
        action="satisfaction.survey_send",
        obj=template,
        after={"recipients": len(recipients)},
    )
    return invitations


# Answers --------------------------------------------------------------------------------


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
    from kefu.satisfaction.services.outbound import opt_out_record

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
    _require(actor, WORK_CALLBACKS)
    centre = _centre_of(actor)
    template = _template_for(actor, centre, template_id)
    contact = Contact.objects.select_related("agent").filter(pk=contact_id, centre=centre).first()
    if contact is None:
        raise NotFound()
    moment = now or timezone.now()
    key = f"contact:{contact.pk}"
    if Invitation.objects.filter(centre=centre, key=key).exists():
        raise Conflict(_("This contact has its survey already."), code="survey_exists")
    staff_number = contact.agent.employee_number if contact.agent else ""
    recipient = Recipient(
        key=key,
        address=contact.caller_number,
        customer_id=contact.customer_id,
        staff_number=staff_number,
        contact_id=contact.pk,
    )
    context = _context(centre, template, [recipient], moment, SurveyChannel.AGENT)
    if contact.agent is not None and not staff_number:
        context.staff[""] = contact.agent
    parsed = _answers_of(context.version, values)
    invitation = _invite(context, recipient, SurveyChannel.AGENT)
    if invitation.state == InvitationState.REFUSED:
        return invitation
    _record_answers(invitation, parsed, AnsweredVia.AGENT, moment, actor)
    return invitation


@dataclass
class ImportResult:
    recorded: int = 0
    repeated: int = 0
    refused: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


IVR_COLUMNS = ("call_id", "number", "score")


@transaction.atomic
def ivr_import(*, actor: User, template_id: int, data: str) -> ImportResult:
    """The IVR's post-call survey as CSV with a header: call_id, number, score and
    optionally staff_id. The score answers the survey's first question. A call already
    imported counts once; a number unsubscribed from everything is not recorded; the
    answers count toward the customer's cap."""
    _require(actor, MANAGE_OUTREACH)
    centre = _centre_of(actor)
    template = _template_for(actor, centre, template_id)
    reader = csv.DictReader(io.StringIO(data.lstrip("\ufeff")))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    if not set(IVR_COLUMNS) <= set(header):
        raise Invalid(
            _("The file needs the columns call_id, number and score."), code="ivr_columns"
        )
    reader.fieldnames = header
    rows = list(reader)
    if len(rows) > MAX_RECIPIENTS * 4:
        raise Invalid(code="too_many_rows", detail={"max": MAX_RECIPIENTS * 4})
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
        context = _context(centre, template, [recipient], now, SurveyChannel.IVR)
        invitation = _invite(context, recipient, SurveyChannel.IVR)
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


@transaction.atomic
def survey_skip(
    *, actor: User, contact_id: int | None = None, ticket_id: int | None = None, reason: str = ""
) -> SurveySkip:
    """The agent chooses not to survey this contact or work order (Chatwoot's users ask
    for it): the draw passes it by. Safe to repeat."""
    _require(actor, WORK_CALLBACKS)
    centre = _centre_of(actor)
    if (contact_id is None) == (ticket_id is None):
        raise Invalid(
            code="skip_subject", detail={"contact": gettext("Name a contact or a work order.")}
        )
    if contact_id is not None:
        if not Contact.objects.filter(pk=contact_id, centre=centre).exists():
            raise NotFound()
        key = f"contact:{contact_id}"
    elif ticket_id is not None:
        if not Ticket.objects.filter(pk=ticket_id, centre=centre).exists():
            raise NotFound()
        key = f"ticket:{ticket_id}"
    skip, created = SurveySkip.objects.get_or_create(
        centre=centre, key=key, defaults={"reason": reason[:200], "created_by": actor}
    )
    if created:
        audit_record(actor=actor, action="satisfaction.survey_skip", obj=skip)
    return skip


# The draw -------------------------------------------------------------------------------

#: Which contacts a template after a contact asks about, by its touchpoint.
CONTACT_CHANNELS: dict[str, list[str] | None] = {
    Touchpoint.HOTLINE: ["hotline"],
    Touchpoint.ONLINE: ["web", "app", "wechat", "email", "sms"],
    Touchpoint.SERVICE_HALL: ["counter"],
}


def _draw_contacts(template: SurveyTemplate, now: dt.datetime) -> list[Recipient]:
    until = now - dt.timedelta(hours=template.delay_hours)
    contacts = Contact.objects.filter(
        centre_id=template.centre_id,
        direction="inbound",
        customer__isnull=False,
        ended_at__gt=until - DRAW_LOOKBACK,
        ended_at__lte=until,
    ).select_related("agent")
    channels = CONTACT_CHANNELS.get(template.touchpoint)
    if channels is not None:
        contacts = contacts.filter(channel__in=channels)
    return [
        Recipient(
            key=f"contact:{c.pk}",
            customer_id=c.customer_id,
            staff_number=c.agent.employee_number if c.agent else "",
            contact_id=c.pk,
        )
        for c in contacts.order_by("ended_at", "pk")[:DRAW_LIMIT]
    ]


def _draw_tickets(template: SurveyTemplate, now: dt.datetime) -> list[Recipient]:
    until = now - dt.timedelta(hours=template.delay_hours)
    tickets = Ticket.objects.filter(
        centre_id=template.centre_id,
        customer__isnull=False,
        closed_at__gt=until - DRAW_LOOKBACK,
        closed_at__lte=until,
    ).select_related("assignee")
    if template.touchpoint == Touchpoint.FIELD_REPAIR:
        tickets = tickets.filter(kind="fault")
    elif template.touchpoint == Touchpoint.WORK_ORDER:
        tickets = tickets.exclude(kind="fault")
    return [
        Recipient(
            key=f"ticket:{t.pk}",
            customer_id=t.customer_id,
            staff_number=t.assignee.employee_number if t.assignee else "",
            ticket_id=t.pk,
            subject_kind=t.kind,
        )
        for t in tickets.order_by("closed_at", "pk")[:DRAW_LIMIT]
    ]


def surveys_draw(*, centre_id: int, now: dt.datetime | None = None) -> int:
    """The sweep (a scheduled task): every template in use that follows contacts or
    closed work orders asks the customers of those that ended at least its delay ago
    (and at most two days before), one survey per contact or order (its key), none for
    those an agent skipped. Safe to run again and on several workers at once: the keys
    make a second run write nothing. Returns how many invitations it wrote."""
    moment = now or timezone.now()
    written = 0
    templates = SurveyTemplate.objects.filter(
        centre_id=centre_id,
        active=True,
        trigger__in=[SurveyTrigger.AFTER_CONTACT, SurveyTrigger.AFTER_TICKET],
        channel__in=[SurveyChannel.SMS, SurveyChannel.EMAIL],
    ).select_related("centre")
    for template in templates.order_by("pk"):
        drawn = (
            _draw_contacts(template, moment)
            if template.trigger == SurveyTrigger.AFTER_CONTACT
            else _draw_tickets(template, moment)
        )
        keys = [r.key for r in drawn]
        taken = set(
            Invitation.objects.filter(centre_id=centre_id, key__in=keys).values_list(
                "key", flat=True
            )
        ) | set(
            SurveySkip.objects.filter(centre_id=centre_id, key__in=keys).values_list(
                "key", flat=True
            )
        )
        fresh = [r for r in drawn if r.key not in taken]
        for start in range(0, len(fresh), 500):
            chunk = fresh[start : start + 500]
            with transaction.atomic():
                context = _context(template.centre, template, chunk, moment, template.channel)
                for recipient in chunk:
                    try:
                        with transaction.atomic():
                            _invite(context, recipient, template.channel)
                            written += 1
                    except IntegrityError:  # another worker wrote this key just now
                        continue
    return written


def surveys_draw_all(now: dt.datetime | None = None) -> int:
    centres = SurveyTemplate.objects.filter(
        active=True, trigger__in=[SurveyTrigger.AFTER_CONTACT, SurveyTrigger.AFTER_TICKET]
    ).values_list("centre_id", flat=True)
    return sum(surveys_draw(centre_id=c, now=now) for c in sorted(set(centres)))


# Monthly questionnaires (000 第7篇) ------------------------------------------------------


@transaction.atomic
def questionnaire_record(
    *,
    actor: User,
    month: dt.date,
    staff_number: str,
    respondent: str,
    phone: str,
    score: int,
    paper_number: str,
    comment: str = "",
) -> Questionnaire:
    """Archive one owner's paper questionnaire, signed with the staff ID it rates."""
    _require(actor, VIEW_SATISFACTION)
    centre = _centre_of(actor)
    errors: dict[str, str] = {}
    staff = User.objects.filter(centre=centre, employee_number=staff_number.strip()).first()
    if not staff_number.strip() or staff is None:
        errors["staff_number"] = gettext("No one of this centre has this staff ID.")
    if not scores.in_scale("csat", score):
        errors["score"] = gettext("Between 1 and 5.")
    if not respondent.strip() or not paper_number.strip():
        errors["respondent"] = gettext("Give the respondent's name and the form number.")
    try:
        number = address_normalize(SurveyChannel.SMS, phone)
    except Invalid:
        errors["phone"] = gettext("Enter a valid phone number.")
        number = ""
    if errors:
        raise Invalid(code="questionnaire_invalid", detail=errors)
    phone_row = CustomerPhone.objects.filter(number=number, customer__centre=centre).first()
    questionnaire = Questionnaire(
        centre=centre,
        month=month.replace(day=1),
        staff=staff,
        staff_number=staff_number.strip(),
        customer_id=phone_row.customer_id if phone_row else None,
        respondent=respondent.strip(),
        phone=number,
        score=score,
        comment=comment.strip(),
        paper_number=paper_number.strip(),
        recorded_by=actor,
    )
    check_lengths(questionnaire)
    try:
        with transaction.atomic():
            questionnaire.save()
    except IntegrityError as error:
        raise Conflict(
            _("This form number is recorded already."), code="questionnaire_exists"
        ) from error
    audit_record(actor=actor, action="satisfaction.questionnaire_record", obj=questionnaire)
    return questionnaire


@transaction.atomic
def questionnaires_spot_draw(
    *, actor: User, month: dt.date, share: float, seed: int | None = None
) -> list[Questionnaire]:
    """Draw a share (0-1, at least one a staff member) of the month's questionnaires not
    yet drawn, to be checked by calling the owner back."""
    _require(actor, VIEW_SATISFACTION)
    centre = _centre_of(actor)
    if not 0 < share <= 1:
        raise Invalid(code="share_invalid", detail={"share": gettext("Between 0 and 1.")})
    pool = list(
        Questionnaire.objects.select_for_update()
        .filter(centre=centre, month=month.replace(day=1), spot_check=SpotCheck.NOT_DRAWN)
        .order_by("pk")
    )
    chooser = random.Random(seed)  # noqa: S311 (a sample, not a secret)
    by_staff: dict[str, list[Questionnaire]] = {}
    for q in pool:
        by_staff.setdefault(q.staff_number, []).append(q)
    drawn: list[Questionnaire] = []
    for number in sorted(by_staff):
        group = by_staff[number]
        drawn += chooser.sample(group, max(1, round(len(group) * share)))
    Questionnaire.objects.filter(pk__in=[q.pk for q in drawn]).update(spot_check=SpotCheck.DRAWN)
    for q in drawn:
        q.spot_check = SpotCheck.DRAWN
    audit_record(
        actor=actor,
        action="satisfaction.questionnaire_draw",
        object_type="satisfaction.questionnaire",
        after={"month": month.isoformat(), "drawn": len(drawn)},
    )
    return drawn


@transaction.atomic
def questionnaire_check_record(
    *, actor: User, questionnaire_id: int, outcome: str, note: str = ""
) -> Questionnaire:
    """The outcome of calling a drawn owner back: the answer confirmed, disputed, or the
    owner not reached."""
    _require(actor, WORK_CALLBACKS)
    if outcome not in (SpotCheck.CONFIRMED, SpotCheck.DISPUTED, SpotCheck.UNREACHABLE):
        raise Invalid(code="outcome_invalid", detail={"outcome": gettext("No such outcome.")})
    questionnaire = (
        Questionnaire.objects.select_for_update()
        .filter(pk=questionnaire_id, centre_id=actor.centre_id)
        .first()
    )
    if questionnaire is None:
        raise NotFound()
    if questionnaire.spot_check == SpotCheck.NOT_DRAWN:
        raise Conflict(_("This questionnaire was not drawn for a check."), code="not_drawn")
    before = questionnaire.spot_check
    questionnaire.spot_check = outcome
    questionnaire.check_note = note.strip()[:500]
    questionnaire.checked_by = actor
    questionnaire.checked_at = timezone.now()
    questionnaire.save(update_fields=["spot_check", "check_note", "checked_by", "checked_at"])
    audit_record(
        actor=actor,
        action="satisfaction.questionnaire_check",
        obj=questionnaire,
        before={"spot_check": before},
        after={"spot_check": outcome},
    )
    return questionnaire
