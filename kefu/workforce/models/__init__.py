"""The workforce app's tables, one module a concern: the rota and what changes it
(`rota`), and how attendance is judged (`attendance`)."""

from kefu.workforce.models.attendance import AttendanceRules
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
