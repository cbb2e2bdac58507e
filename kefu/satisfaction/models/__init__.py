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

__all__ = [
    "Appointment",
    "AppointmentState",
    "Channel",
    "InboundMessage",
    "Message",
    "MessageState",
    "Notice",
    "NoticeKind",
    "NoticeState",
    "OptOut",
    "OptOutSource",
    "OutreachRules",
    "Purpose",
    "RefusalReason",
]
