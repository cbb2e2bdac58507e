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
from kefu.satisfaction.models.reminders import (
    CustomerDate,
    DateKind,
    Reminder,
    ReminderChannel,
    ReminderEvent,
    ReminderRule,
)

__all__ = [
    "Channel",
    "CustomerDate",
    "DateKind",
    "InboundMessage",
    "Message",
    "MessageState",
    "OptOut",
    "OptOutSource",
    "OutreachRules",
    "Purpose",
    "RefusalReason",
    "Reminder",
    "ReminderChannel",
    "ReminderEvent",
    "ReminderRule",
]
