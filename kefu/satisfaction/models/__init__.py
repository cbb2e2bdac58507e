"""The satisfaction app's tables, one module a concern: the outbox of messages to
customers, their opt-outs and replies, and each centre's rules for reaching out
(`outbound`); the notices to customers (`notices`); appointments (`appointments`)."""

from kefu.satisfaction.models.appointments import Appointment, AppointmentState
from kefu.satisfaction.models.notices import Notice, NoticeKind, NoticeState
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
    "Appointment",
    "AppointmentState",
    "Channel",
    "InboundMessage",
    "Invitation",
    "InvitationRefusal",
    "InvitationState",
    "Message",
    "MessageState",
    "Notice",
    "NoticeKind",
    "NoticeState",
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
