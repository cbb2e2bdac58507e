"""Insights' models, one module per part (issue 21)."""

from kefu.insights.models.incidents import (
    Incident,
    IncidentContact,
    IncidentOrder,
    IncidentOrigin,
    IncidentState,
    SpikeRule,
)

__all__ = [
    "Incident",
    "IncidentContact",
    "IncidentOrder",
    "IncidentOrigin",
    "IncidentState",
    "SpikeRule",
]
