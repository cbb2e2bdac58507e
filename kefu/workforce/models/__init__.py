"""The workforce app's tables, one module a concern: the rota and what changes it
(`rota`), how attendance is judged (`attendance`), the leader's duty log and its handover
(`duty`)."""

from kefu.workforce.models.attendance import AttendanceRules
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
    "AttendanceRules",
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
