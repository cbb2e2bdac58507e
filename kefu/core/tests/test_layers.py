"""The layers of DESIGN.md hold: the ground (`core`) knows nothing above it, the apps know
nothing of `web` (the dashboards above them) or of the project level (`kefu/demo.py`,
`cli.py`, `api.py`, `urls.py`), and an app imports an app above it only where that is
listed below, to be mended; a new upward import fails here.

Read from the source with `ast`, every import in a module (those inside functions too),
tests left out: a test may import anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.management import get_commands

import kefu

ROOT = Path(kefu.__file__).parent
# Bottom to top; an app may import its own layer and those below it.
LAYERS = [
    {"core"},
    {"customers"},
    {"contacts"},
    {"tickets", "telephony"},
    {"knowledge"},
    # Staffing and the rota read the telephony roll-ups and the work orders; the
    # indicators read attendance and adherence from it.
    {"workforce"},
    {"metrics"},
    {"web"},
]
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}
PROJECT = len(LAYERS)  # kefu/*.py and kefu/management: above every app
# Upward imports between domain apps that the code has today, each to be mended; the
# ground and `web` have none. An entry mended must leave this list (checked below).
KNOWN_UPWARD = {
    ("customers/privacy.py", "contacts"),
    ("customers/privacy.py", "tickets"),
    ("customers/queries.py", "tickets"),
    ("customers/views.py", "contacts"),
    ("customers/views.py", "tickets"),
    ("contacts/forms.py", "tickets"),
    ("contacts/views.py", "tickets"),
    # The workbench reads the centre's first-contact window (metrics' rules) and texts a
    # knowledge answer: the agent's screen composes apps above contacts.
    ("contacts/views.py", "metrics"),
    ("contacts/assist.py", "knowledge"),
    ("tickets/views.py", "knowledge"),
}


def _level(module: str) -> int | None:
    """The layer of a `kefu…` module; None for what is not kefu's."""
    parts = module.split(".")
    if parts[0] != "kefu":
        return None
    if len(parts) == 1 or parts[1] not in LEVEL:
        return PROJECT
    return LEVEL[parts[1]]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "kefu":
                found.update(f"kefu.{alias.name}" for alias in node.names)
            else:
                found.add(node.module)
    return found


def _upward() -> set[tuple[str, str]]:
    """(module path, the app or project module above it) for every import that climbs."""
    climbs: set[tuple[str, str]] = set()
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] not in LEVEL or "tests" in relative.parts:
            continue
        if relative.name == "conftest.py":
            continue
        own = LEVEL[relative.parts[0]]
        for module in _imports(path):
            level = _level(module)
            if level is not None and level > own:
                target = module.split(".")[1] if level < PROJECT else module
                climbs.add((relative.as_posix(), target))
    return climbs


def test_the_ground_imports_nothing_above_it() -> None:
    assert sorted(c for c in _upward() if c[0].startswith("core/")) == []


def test_no_app_imports_web_or_the_project_level() -> None:
    tops = {"web", *(c[1] for c in _upward() if c[1].startswith("kefu"))}
    assert sorted(c for c in _upward() if c[1] in tops and not c[0].startswith("web/")) == []


def test_no_new_upward_import_between_apps_and_the_known_ones_are_still_there() -> None:
    assert _upward() == KNOWN_UPWARD


def test_the_mended_imports_stay_mended() -> None:
    """The three of issue 15: core's demo command, tickets' use of web's helpers, and the
    customer API's use of contacts for the history."""
    customers_api = _imports(ROOT / "customers" / "api.py")
    assert not any(module.startswith("kefu.contacts") for module in customers_api)
    assert not any(
        module.startswith("kefu.web") for module in _imports(ROOT / "tickets" / "views.py")
    )
    assert not (ROOT / "core" / "management" / "commands" / "demo.py").exists()


@pytest.mark.django_db
def test_the_demo_command_lives_at_the_project_level() -> None:
    assert get_commands()["demo"] == "kefu"
