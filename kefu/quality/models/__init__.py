"""The quality app's tables, one module a concern: the scorecards and their versions
(`scorecards`), the scores, appeals and coaching (`evaluations`), the sampling plans and
the inspectors' queues (`sampling`), the call transcripts (`transcripts`), calibration
(`calibration`), the standard phrases (`phrases`)."""

from kefu.quality.models.calibration import CalibrationSession, CalibrationState
from kefu.quality.models.evaluations import (
    AgentResponse,
    Answer,
    Appeal,
    AppealState,
    CoachingTask,
    Evaluation,
    EvaluationPurpose,
)
from kefu.quality.models.phrases import (
    Phrase,
    PhraseBook,
    PhraseHoliday,
    PhraseKind,
    PhraseSituation,
)
from kefu.quality.models.sampling import SampleItem, SampleReason, SampleState, SamplingPlan
from kefu.quality.models.scorecards import (
    Scorecard,
    ScorecardItem,
    ScorecardSection,
    ScorecardVersion,
    VersionState,
)
from kefu.quality.models.transcripts import RuleSwitch, Transcript

__all__ = [
    "AgentResponse",
    "Answer",
    "Appeal",
    "AppealState",
    "CalibrationSession",
    "CalibrationState",
    "CoachingTask",
    "Evaluation",
    "EvaluationPurpose",
    "Phrase",
    "PhraseBook",
    "PhraseHoliday",
    "PhraseKind",
    "PhraseSituation",
    "RuleSwitch",
    "SampleItem",
    "SampleReason",
    "SampleState",
    "SamplingPlan",
    "Scorecard",
    "ScorecardItem",
    "ScorecardSection",
    "ScorecardVersion",
    "Transcript",
    "VersionState",
]
