"""The names agents see for coded choices (call reasons, regions), and back. Pure.

An agent reads and types Chinese names with their path (电费电价 › 电费查询, 江苏省 › 南京市 ›
鼓楼区); the codes stay inside. What the agent typed becomes a code again here: the whole
path, the end of a path that only one choice has (电费查询), or, for integrations, the code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SEPARATOR = " › "
# What people type between the parts of a path: the shown separator, or one like it.
_SEPARATORS = re.compile(r"\s*(?:›|>|＞|/|／|\\|、|»)\s*")


def path_label(parts: Sequence[str]) -> str:
    """The name shown for a choice: its ancestors' names and its own, joined."""
    return SEPARATOR.join(part for part in parts if part)


def _parts(text: str) -> tuple[str, ...]:
    return tuple(part for part in (p.strip() for p in _SEPARATORS.split(text)) if part)


@dataclass(frozen=True)
class Resolved:
    """What a typed text names: one code, or why there is none."""

    code: str | None
    ambiguous: tuple[str, ...] = ()  # the labels of the choices the text could mean


def resolve(text: str, choices: Mapping[str, Sequence[str]]) -> Resolved:
    """The code of the choice `text` names, among `choices` (code → path of names).

    Tried in order: a code, the whole path, then the end of a path (the last names of it).
    A text that ends more than one path is ambiguous: the agent picks the whole path.
    """
    typed = " ".join(text.split())
    if not typed:
        return Resolved(None)
    if typed in choices:
        return Resolved(typed)
    wanted = _parts(typed)
    if not wanted:
        return Resolved(None)
    # Split as the typed text is, so a name with a slash in it (停电/限电) still matches.
    paths = {code: _parts(path_label(path)) for code, path in choices.items()}
    whole = [code for code, path in paths.items() if path == wanted]
    if len(whole) == 1:
        return Resolved(whole[0])
    ending = [code for code, path in paths.items() if path[-len(wanted) :] == wanted]
    if len(ending) == 1:
        return Resolved(ending[0])
    if len(ending) > 1:
        return Resolved(None, tuple(sorted(path_label(choices[code]) for code in ending)))
    return Resolved(None)
