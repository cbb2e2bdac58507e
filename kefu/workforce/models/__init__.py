"""The workforce app's tables, one module a concern: the rota and what changes it
(`rota`), how attendance is judged (`attendance`), the leader's duty log and its handover
(`duty`), the service level the plans aim at (`planning`)."""

from kefu.workforce.models.attendance import AttendanceRules
from kefu.workforce.models.certification import Certification, CertifiedQueue
from kefu.workforce.models.duty import (
    DutyEntry,
    DutyEntryKind,
    DutyLog,
    DutyLogState,
    Handover,
)
from kefu.workforce.models.planning import StaffingGoal
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
    "Certification",
    "CertifiedQueue",
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
    "StaffingGoal",
    "SwapRequest",
]
