"""The workforce app as DESIGN.md places it: installed, in its own layer between the
knowledge base and the indicators, its staffing a pure module."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from django.apps import apps
from django.utils import translation

from kefu.core.tests.test_layers import LEVEL
from kefu.workforce import staffing


def test_the_app_is_installed_with_a_chinese_name() -> None:
    config = apps.get_app_config("workforce")
    assert config.name == "kefu.workforce"
    with translation.override("zh-hans"):
        assert str(config.verbose_name) == "排班与人力管理"


def test_the_app_sits_above_telephony_and_tickets_and_below_the_indicators() -> None:
    assert LEVEL["telephony"] < LEVEL["workforce"] < LEVEL["metrics"]
    assert LEVEL["tickets"] < LEVEL["workforce"]


def test_staffing_imports_no_database_and_no_django() -> None:
    tree = ast.parse(Path(staffing.__file__).read_text(encoding="utf-8"))
    modules = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    roots = {module.split(".")[0] for module in modules}
    assert roots <= {
        "__future__",
        "math",
        "warnings",
        "collections",
        "dataclasses",
        "typing",
        "numpy",
        "scipy",
    }, roots


def test_a_process_loads_the_solver_only_when_it_solves() -> None:
    """OR-Tools (with the pandas it imports) is about 100 MB: a web process, an import of
    customers or the worker at rest never loads it; asking for `solve_rota` does."""
    script = (
        "import os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'kefu.settings'); "
        "import django; django.setup(); import kefu.urls, kefu.api; "
        "loaded = [m for m in ('ortools', 'pandas') if m in sys.modules]; "
        "from kefu.workforce.rota import solve_rota; "
        "print(loaded, 'ortools' in sys.modules)"
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, our own script
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split("\n")[0] == "[] True"
