"""The satisfaction app's tables, one module a concern: the outbox of messages to
customers, their opt-outs and replies, and each centre's rules for reaching out
(`outbound`); the notices to customers (`notices`)."""

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
