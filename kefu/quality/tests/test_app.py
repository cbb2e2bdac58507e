"""The quality app as DESIGN.md places it: installed with a Chinese name, between the
workforce and the indicators (the monitoring-score indicator reads it), its transcript
checks and its scoring, statistics and sampling pure: no database, nothing of kefu beyond
themselves."""

from __future__ import annotations

import ast
from pathlib import Path
from types import ModuleType

import pytest
from django.apps import apps
from django.utils import translation

from kefu.core.tests.test_layers import LEVEL
from kefu.quality import checks, sampling, scoring, stats

PACKAGE = Path(checks.__file__).parent


def test_the_app_is_installed_with_a_chinese_name() -> None:
    config = apps.get_app_config("quality")
    assert config.name == "kefu.quality"
    with translation.override("zh-hans"):
        assert str(config.verbose_name) == "质检"
    with translation.override("zh-hans"):
        assert {str(model._meta.verbose_name) for model in config.get_models()} >= {
            "质检评分表",
            "质检成绩",
            "申诉",
            "抽检计划",
            "校准",
        }


def test_the_app_sits_above_the_workforce_and_below_the_indicators() -> None:
    assert LEVEL["workforce"] < LEVEL["quality"] < LEVEL["metrics"]


@pytest.mark.parametrize("module", [scoring, stats, sampling])
def test_scoring_statistics_and_sampling_are_pure(module: ModuleType) -> None:
    tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not {name for name in imported if name.startswith(("django", "kefu"))}, imported


def test_the_checks_import_no_database_and_nothing_of_kefu_outside_them() -> None:
    modules: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules |= {
            (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
    django = {module for module in modules if module.startswith("django")}
    assert django <= {
        "django.core.exceptions",
        "django.utils.functional",
        "django.utils.translation",
    }, django
    kefu = {module for module in modules if module.startswith("kefu")}
    assert all(module.startswith("kefu.quality.checks") for module in kefu), kefu
    roots = {module.split(".")[0] for module in modules} - {"django", "kefu"}
    assert roots <= {
        "__future__",
        "collections",
        "dataclasses",
        "functools",
        "json",
        "math",
        "pathlib",
        "re",
        "typing",
        "unicodedata",
    }, roots
