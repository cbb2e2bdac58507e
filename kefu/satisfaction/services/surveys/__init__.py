"""Surveys (issue 19 point 2), one module a concern: the templates in versions
(`templates`), the invitations sent through the outbox, the draw and the skips
(`invitations`), the answers from the page, a digit reply, an agent or the IVR
(`answers`), and the monthly owner questionnaires with their spot checks (000 第7篇,
`questionnaires`).

Every customer-facing rule is honoured on every channel: the survey cap per customer
(`OutreachRules.surveys_per_period` per `survey_period_days`), the opt-outs (退订), and
for sent messages the quiet hours (the outbox schedules them). An agent's or the IVR's
record is made while the customer is on the line, so quiet hours do not apply to it;
an opt-out of every channel and the cap do."""

from kefu.satisfaction.services.surveys.answers import (
    IVR_COLUMNS,
    LOW_SCORE_HANDLERS,
    ImportResult,
    ivr_import,
    survey_answer,
    survey_record,
    survey_record_on_task,
    survey_reply_handle,
    survey_unsubscribe,
)
from kefu.satisfaction.services.surveys.invitations import (
    CONTACT_CHANNELS,
    DRAW_LIMIT,
    DRAW_LOOKBACK,
    MAX_RECIPIENTS,
    Recipient,
    invitations_send,
    survey_skip,
    surveys_draw,
    surveys_draw_all,
)
from kefu.satisfaction.services.surveys.questionnaires import (
    questionnaire_check_record,
    questionnaire_record,
    questionnaires_spot_draw,
)
from kefu.satisfaction.services.surveys.templates import (
    MAX_QUESTIONS,
    QuestionSpec,
    TemplateSpec,
    current_version,
    survey_link,
    template_create,
    template_revise,
)

__all__ = [
    "CONTACT_CHANNELS",
    "DRAW_LIMIT",
    "DRAW_LOOKBACK",
    "IVR_COLUMNS",
    "LOW_SCORE_HANDLERS",
    "MAX_QUESTIONS",
    "MAX_RECIPIENTS",
    "ImportResult",
    "QuestionSpec",
    "Recipient",
    "TemplateSpec",
    "current_version",
    "invitations_send",
    "ivr_import",
    "questionnaire_check_record",
    "questionnaire_record",
    "questionnaires_spot_draw",
    "survey_answer",
    "survey_link",
    "survey_record",
    "survey_record_on_task",
    "survey_reply_handle",
    "survey_skip",
    "survey_unsubscribe",
    "surveys_draw",
    "surveys_draw_all",
    "template_create",
    "template_revise",
]
