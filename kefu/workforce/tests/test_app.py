"""The workforce app as DESIGN.md places it: installed, in its own layer between the
knowledge base and the indicators."""

from __future__ import annotations

from django.apps import apps
from django.utils import translation

from kefu.core.tests.test_layers import LEVEL


def test_the_app_is_installed_with_a_chinese_name() -> None:
    config = apps.get_app_config("workforce")
    assert config.name == "kefu.workforce"
    with translation.override("zh-hans"):
        assert str(config.verbose_name) == "排班与人力管理"


def test_the_app_sits_above_telephony_and_tickets_and_below_the_indicators() -> None:
    assert LEVEL["telephony"] < LEVEL["workforce"] < LEVEL["metrics"]
    assert LEVEL["tickets"] < LEVEL["workforce"]
