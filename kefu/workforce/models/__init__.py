"""The workforce app's tables, one module a concern: the rota and what changes it
(`rota`), the leader's duty log and its handover (`duty`)."""

from kefu.workforce.models.duty import (
    DutyEntry,
    DutyEntryKind,
    DutyLog,
    DutyLogState,
    Handover,
)
from kefu.workforce.models.rota import (
    Contract,
    LeaveKind,
    LeaveRequest,
    RequestStatus,
    Rota,
    RotaChange,
    RotaStatus,
    RotaVersion,
    Shift,
    ShiftKind,
    ShiftTemplate,
    StaffMember,
    SwapRequest,
)

__all__ = [
    "Contract",
    "DutyEntry",
    "DutyEntryKind",
    "DutyLog",
    "DutyLogState",
    "Handover",
    "LeaveKind",
    "LeaveRequest",
    "RequestStatus",
    "Rota",
    "RotaChange",
    "RotaStatus",
    "RotaVersion",
    "Shift",
    "ShiftKind",
    "ShiftTemplate",
    "StaffMember",
    "SwapRequest",
]
