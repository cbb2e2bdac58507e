"""The workforce app's tables, one module a concern: the rota and what changes it
(`rota`)."""

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
