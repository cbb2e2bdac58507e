"""The rota solver (issue 17 point 3): pure, no ORM. Plain values in (`RotaProblem`),
plain values out (`RotaResult`); a service builds the one from the models and stores the
other. See `solver` for the CP-SAT formulation and `explain` for the diagnosis.

`solve_rota` is imported on first use: OR-Tools (and the pandas it loads) takes about
100 MB, which no process that only reads or checks a rota should carry."""

from typing import TYPE_CHECKING, Any

from kefu.workforce.rota.problem import (
    Agent,
    Break,
    Contract,
    History,
    Horizon,
    Preference,
    RotaInputError,
    RotaProblem,
    ShiftKind,
    ShiftTemplate,
)
from kefu.workforce.rota.result import (
    Assignment,
    BindingRule,
    Explanation,
    PlacedBreak,
    RotaResult,
    RotaStatus,
    RuleFamily,
    Shortfall,
)

__all__ = [
    "Agent",
    "Assignment",
    "BindingRule",
    "Break",
    "Contract",
    "Explanation",
    "History",
    "Horizon",
    "PlacedBreak",
    "Preference",
    "RotaInputError",
    "RotaProblem",
    "RotaResult",
    "RotaStatus",
    "RuleFamily",
    "ShiftKind",
    "ShiftTemplate",
    "Shortfall",
    "solve_rota",
]

if TYPE_CHECKING:
    from kefu.workforce.rota.plan import solve_rota


def __getattr__(name: str) -> Any:
    if name == "solve_rota":
        from kefu.workforce.rota.plan import solve_rota

        return solve_rota
    raise AttributeError(name)
