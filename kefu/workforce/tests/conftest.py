"""The workforce tests' centre: the demo's workforce (templates, contracts, staff, leave,
two published rotas solved by the real solver) on the test centre."""

from __future__ import annotations

import time
from typing import Any

import pytest

from kefu.core.models import OrgUnit, User
from kefu.workforce.demo import load_workforce


@pytest.fixture
def planned(centre: OrgUnit, users: dict[str, User]) -> dict[str, Any]:
    """12 agents: the agent and expert role users and ten colleagues."""
    agents = [users["agent"], users["expert"]] + [
        User.objects.create(username=f"agent{n:02d}", full_name=f"座席{n:02d}", centre=centre)
        for n in range(10)
    ]
    began = time.perf_counter()
    solving = load_workforce(centre, agents, solve_seconds=3)
    return {"agents": agents, "seconds": time.perf_counter() - began, "solving": solving}
