"""A rule's logic: the names of its conditions joined by and, or, not and parentheses
(`greeting and not apology`), compiled once into a function of the conditions' truth; and
the error a rule set that cannot be used raises."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kefu.quality.checks.transcript import Path, TranscriptError, shown

Logic = Callable[[Callable[[str], bool]], bool]


class RuleSetError(TranscriptError):
    """A rule set that cannot be used; ``message`` says where and what, in Chinese."""


def fail(
    code: str, path: Path, text: str | Promise, params: dict[str, Any] | None = None
) -> RuleSetError:
    return RuleSetError(code, text, params, path)


_TOKEN: Final = re.compile(r"\s*(?:(\()|(\))|([A-Za-z_][A-Za-z0-9_]*)|(\S))")


def compile_logic(
    text: str, names: set[str], path: Path
) -> tuple[Logic, tuple[str, ...], tuple[str, ...]]:
    """``text`` compiled, with the conditions it needs true and those it needs false."""
    tokens: list[str] = []
    for match in _TOKEN.finditer(text):
        if match.group(4):
            bad = match.group(4)
            raise fail(
                "logic",
                path,
                _(
                    "The logic may hold condition names, and, or, not and parentheses, "
                    "not %(value)s."
                ),
                {"value": shown(bad)},
            )
        tokens.append(match.group(1) or match.group(2) or match.group(3))
    position = 0
    positive: list[str] = []
    negative: list[str] = []

    def problem() -> RuleSetError:
        near = tokens[position] if position < len(tokens) else _("the end")
        return fail(
            "logic",
            path,
            _("The logic %(logic)s cannot be read near %(near)s."),
            {"logic": shown(text), "near": shown(near) if position < len(tokens) else near},
        )

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        if position >= len(tokens):
            raise problem()
        position += 1
        return tokens[position - 1]

    def either(negated: bool) -> Logic:
        parts = [both(negated)]
        while peek() == "or":
            take()
            parts.append(both(negated))
        if len(parts) == 1:
            return parts[0]
        return lambda truth: any(part(truth) for part in parts)

    def both(negated: bool) -> Logic:
        parts = [single(negated)]
        while peek() == "and":
            take()
            parts.append(single(negated))
        if len(parts) == 1:
            return parts[0]
        return lambda truth: all(part(truth) for part in parts)

    def single(negated: bool) -> Logic:
        word = take()
        if word == "not":
            inner = single(not negated)
            return lambda truth: not inner(truth)
        if word == "(":
            inner = either(negated)
            if take() != ")":
                raise problem()
            return inner
        if word in ("and", "or", ")"):
            raise problem()
        if word not in names:
            raise fail(
                "logic_name",
                path,
                _("The logic names %(name)s, which is not a condition of this rule."),
                {"name": shown(word)},
            )
        (negative if negated else positive).append(word)
        return lambda truth: truth(word)

    logic = either(False)
    if position != len(tokens):
        raise problem()
    return logic, tuple(dict.fromkeys(positive)), tuple(dict.fromkeys(negative))
