"""Survey templates (issue 19 point 2): questions of the CSAT, NPS, effort and free-text
kinds, kept in versions so an old answer stays explainable; the helpers the other survey
services share (the token's digest, the link)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import OrgUnit, User
from kefu.core.roles import MANAGE_OUTREACH
from kefu.core.services.audit import audit_record
from kefu.core.validation import check_lengths
from kefu.satisfaction.models import (
    QuestionKind,
    SurveyChannel,
    SurveyQuestion,
    SurveyTemplate,
    SurveyTrigger,
    SurveyVersion,
    Touchpoint,
)

MAX_QUESTIONS = 10


def require_permission(actor: User, permission: str) -> None:
    if not actor.has_perm(permission):
        raise Forbidden()


def centre_of(actor: User) -> OrgUnit:
    if actor.centre is None:
        raise Forbidden()
    return actor.centre


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
    require_permission(actor, MANAGE_OUTREACH)
    _check_spec(spec)
    template = SurveyTemplate(centre=centre_of(actor))
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
    require_permission(actor, MANAGE_OUTREACH)
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
