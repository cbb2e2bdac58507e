"""The rota solver (issue 17 point 3): pure, no ORM. Plain values in (`RotaProblem`),
plain values out (`RotaResult`); a service builds the one from the models and stores the
other. See `solver` for the CP-SAT formulation and `explain` for the diagnosis."""

from kefu.workforce.rota.plan import solve_rota
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
