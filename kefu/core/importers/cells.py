"""Reading the cells people type into the org and users sheets: yes or no, in the words
Chinese spreadsheets use. Pure: no database."""

from __future__ import annotations

from django.utils.translation import gettext as _

YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "启用", "有效", "在职", "对"})
NO = frozenset({"否", "n", "no", "false", "0", "×", "✗", "停用", "无效", "离职", "不是"})


def yes_no(text: str, *, default: bool) -> bool | None:
    """True or False for a yes/no cell, `default` for an empty one, None when it is
    neither (the caller reports the problem)."""
    value = text.strip().lower()
    if not value:
        return default
    if value in YES:
        return True
    if value in NO:
        return False
    return None


def yes_no_problem() -> str:
    return _("Fill in 是 or 否.")


def yes_no_text(value: bool) -> str:
    return _("yes") if value else _("no")
