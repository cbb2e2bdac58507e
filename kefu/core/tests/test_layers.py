"""The layers of DESIGN.md hold: the ground (`core`) knows nothing above it, the apps know
nothing of `web` (the dashboards above them) or of the project level (`kefu/demo.py`,
`cli.py`, `api.py`, `urls.py`), and an app imports an app above it only where that is
listed below, to be mended; a new upward import fails here.

Read from the source with `ast`, every import in a module (those inside functions too),
tests left out: a test may import anything.
"""

from __future__ import annotations

import ast
import importlib
import inspect
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
    # Quality reads contacts and the telephone platform's call records; the
    # monitoring-score indicator (metrics) will read quality's scores.
    {"quality"},
    # Satisfaction calls back after contacts and orders and reads quality's staff; the
    # satisfaction indicators (metrics) read its callbacks and surveys.
    {"satisfaction"},
    {"metrics"},
    # Insights reads contacts, orders and the indicators to find fault spikes, repeats and
    # hot topics, and answers an incident's callers through satisfaction's outbox.
    {"insights"},
    # Supervision's rounds draw complaint, repair and callback records from tickets and
    # contacts and read the rota for who was on duty; its appraisal, honours and
    # improvement projects read each person's and the centre's indicators from metrics,
    # QA scores from quality and callbacks from satisfaction.
    {"supervision"},
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
    # ...and the standard phrases of the call (quality's library, which its checks read).
    ("contacts/views.py", "quality"),
    # ...and the notices that explain the caller's trouble and the caller's repair plan on
    # the dissatisfied list (satisfaction's, issue 19).
    ("contacts/views.py", "satisfaction"),
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


# A module past ~600 lines becomes a package (STYLE.md, practice 1); the services of every
# app are held to it, those of the ground first of all.
SERVICES_LINES = 600


def test_every_apps_services_stay_below_the_package_line() -> None:
    """Each `services.py`, and each module of a `services/` package, holds at most 600
    lines: the ground's 651-line `core/services.py` is a package by subject now."""
    modules = [
        path
        for path in ROOT.rglob("*.py")
        if "tests" not in path.relative_to(ROOT).parts
        and (path.name == "services.py" or path.parent.name == "services")
    ]
    assert ROOT / "core" / "services" / "access.py" in modules
    long = {
        path.relative_to(ROOT).as_posix(): lines
        for path in modules
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > SERVICES_LINES
    }
    assert long == {}


def test_the_core_services_package_still_offers_every_name_imported_from_it() -> None:
    """What any module (tests too) imports from `kefu.core.services` is still there, as the
    subject module's own object, so patching the subject module patches what is used."""
    from kefu.core import services

    wanted: set[str] = set()
    for path in [*ROOT.rglob("*.py"), *(ROOT.parent / "bench").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        wanted.update(
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "kefu.core.services"
            for alias in node.names
        )
    assert {"audit_record", "notify", "signin", "user_create"} <= wanted
    assert wanted <= set(services.__all__)
    functions = {name: getattr(services, name) for name in services.__all__}
    functions = {name: value for name, value in functions.items() if inspect.isfunction(value)}
    assert len(functions) > 20
    for name, function in functions.items():
        subject = importlib.import_module(function.__module__)
        assert subject is not services and getattr(subject, name) is function
