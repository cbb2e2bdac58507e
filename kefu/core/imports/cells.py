"""Reading the cells every kind has in common, as people fill them in. Pure: no database."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

_YES = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "启用", "有效", "需要", "要", "对"}
_NO = {"否", "n", "no", "false", "0", "×", "✗", "x", "停用", "禁用", "无效", "不需要", "不要"}


def yes_no(text: str, *, default: bool | None = None) -> bool | None:
    """是/否 (or yes/no, Y/N, 1/0, √/×, 启用/停用) as a bool; `default` for an empty cell;
    None for anything else, which the kind reports."""
    value = text.strip().lower()
    if not value:
        return default
    for language in ("zh-hans", "en"):
        with translation.override(language):
            if value == _("yes").lower():
                return True
            if value == _("no").lower():
                return False
    if value in _YES:
        return True
    if value in _NO:
        return False
    return None


def yes_no_text(value: bool) -> str:
    """How an export writes a bool, which `yes_no` reads back: 是 or 否."""
    return _("yes") if value else _("no")
