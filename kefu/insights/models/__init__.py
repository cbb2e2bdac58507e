"""Insights' models, one module per part (issue 21)."""

from kefu.insights.models.feedback import FeedbackPeriod, FeedbackSubscription
from kefu.insights.models.incidents import (
    Incident,
    IncidentContact,
    IncidentOrder,
    IncidentOrigin,
    IncidentState,
    SpikeRule,
)
from kefu.insights.models.reasons import (
    ReasonModel,
    ReasonSettings,
    ReasonSuggestion,
    SuggestionOutcome,
)
from kefu.insights.models.spikes import FaultReason

__all__ = [
    "FaultReason",
    "FeedbackPeriod",
    "FeedbackSubscription",
    "Incident",
    "IncidentContact",
    "IncidentOrder",
    "IncidentOrigin",
    "IncidentState",
    "ReasonModel",
    "ReasonSettings",
    "ReasonSuggestion",
    "SpikeRule",
    "SuggestionOutcome",
]
