"""The satisfaction app's tables, one module a concern: the outbox of messages to
customers, their opt-outs and replies, and each centre's rules for reaching out
(`outbound`)."""

from kefu.satisfaction.models.outbound import (
    Channel,
    InboundMessage,
    Message,
    MessageState,
    OptOut,
    OptOutSource,
    OutreachRules,
    Purpose,
    RefusalReason,
)
from kefu.satisfaction.models.surveys import (
    AnsweredVia,
    Invitation,
    InvitationRefusal,
    InvitationState,
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

__all__ = [
    "AnsweredVia",
    "Channel",
    "InboundMessage",
    "Invitation",
    "InvitationRefusal",
    "InvitationState",
    "Message",
    "MessageState",
    "OptOut",
    "OptOutSource",
    "OutreachRules",
    "Purpose",
    "QuestionKind",
    "Questionnaire",
    "RefusalReason",
    "SpotCheck",
    "SurveyAnswer",
    "SurveyChannel",
    "SurveyQuestion",
    "SurveySkip",
    "SurveyTemplate",
    "SurveyTrigger",
    "SurveyVersion",
    "Touchpoint",
]
