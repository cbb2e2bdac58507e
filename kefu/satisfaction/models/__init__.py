"""The satisfaction app's tables, one module a concern: the outbox of messages to
customers, their opt-outs and replies, and each centre's rules for reaching out
(`outbound`)."""

from kefu.satisfaction.models.callbacks import (
    Assignment,
    CallbackAttempt,
    CallbackKind,
    CallbackOutcomeChoice,
    CallbackRule,
    CallbackState,
    CallbackTask,
)
from kefu.satisfaction.models.dissatisfied import (
    DissatisfiedCause,
    DissatisfiedEntry,
    DissatisfiedReason,
    EntryState,
    RepairContact,
    RepairStep,
)
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
    "Assignment",
    "CallbackAttempt",
    "CallbackKind",
    "CallbackOutcomeChoice",
    "CallbackRule",
    "CallbackState",
    "CallbackTask",
    "Channel",
    "DissatisfiedCause",
    "DissatisfiedEntry",
    "DissatisfiedReason",
    "EntryState",
    "InboundMessage",
    "Message",
    "MessageState",
    "OptOut",
    "OptOutSource",
    "OutreachRules",
    "Purpose",
    "RefusalReason",
    "RepairContact",
    "RepairStep",
]
