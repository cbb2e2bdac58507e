"""The call-reason catalogue a file describes, resolved against the one the centre has:
each row's parent found, the reason each row stands for, the missing codes made. Reads
the database, writes nothing."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from kefu.contacts.models import CallReason
from kefu.contacts.services import PARENT_DIMENSION
from kefu.core.imports import Importer, Report, Row

Dimension = CallReason.Dimension
Key = tuple[str, int]  # ("db", reason id) or ("row", spreadsheet row number)
PATH_SPLIT = re.compile(r"\s*[/／>＞]\s*")
_PENDING: Any = object()


@dataclass
class Node:
    """A reason as the file and the database together have it."""

    key: Key
    dimension: str
    name: str
    code: str = ""  # the row's own code, or the reason's
    parent_ref: str = ""  # a row's 上级 as written
    position: int | None = None
    active: bool = True
    reason: CallReason | None = None  # the reason a row updates


@dataclass
class Plan:
    """A row ready to write: its reason (None: new), what it holds, its parent's key."""

    number: int
    key: Key
    reason_id: int | None
    dimension: str
    code: str
    name: str
    parent: Key | None
    position: int
    active: bool


def pinyin_code(name: str) -> str:
    """A code made from a name: its pinyin, other letters and digits kept, the rest `_`
    (电费查询 → dianfeichaxun, 95598网站 → 95598wangzhan)."""
    # Imported here: pypinyin loads its dictionaries (a quarter of a second) on import,
    # which every `kefu` command would pay at start-up through the app's ready().
    from pypinyin import lazy_pinyin

    text = "".join(lazy_pinyin(name)).lower()
    code = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return code[:64] or "reason"


class Catalogue:
    """The file's rows and the centre's reasons as one tree per dimension: resolves each
    row's parent, finds the reason each row updates, makes the missing codes, and reports
    unknown parents, loops and duplicates on the row and column at fault."""

    def __init__(
        self, kind: Importer[Plan], rows: list[Node], by_row: dict[int, Row], report: Report
    ) -> None:
        self.kind, self.rows, self.by_row, self.report = kind, rows, by_row, report
        self.db: dict[int, CallReason] = {
            reason.pk: reason for reason in CallReason.objects.filter(centre=kind.centre)
        }
        self.db_by_code = {(r.dimension, r.code): r.pk for r in self.db.values()}
        self.row_by_code: dict[tuple[str, str], Node] = {}
        # A reason of the database that a row stands for: its id → the row's key.
        self.taken: dict[int, Key] = {}
        self.parent: dict[Key, Any] = {}  # a row's parent key, None at the top, or _PENDING
        self.by_name: dict[tuple[str, str], list[Key]] = defaultdict(list)
        self.nodes: dict[Key, Node] = {}

    def problem(self, node: Node, column: str, message: str) -> None:
        self.kind.problem(self.report, self.by_row[node.key[1]], column, message)

    def plans(self) -> list[Plan]:
        for node in self.rows:
            if not node.code:
                continue
            first = self.row_by_code.get((node.dimension, node.code))
            if first is not None:
                self.problem(
                    node,
                    "code",
                    _("The code appears twice in this dimension (row %(row)d).")
                    % {"row": first.key[1]},
                )
                node.code = ""
                continue
            self.row_by_code[(node.dimension, node.code)] = node
            existing = self.db_by_code.get((node.dimension, node.code))
            if existing is not None:
                self.taken[existing] = node.key
                node.reason = self.db[existing]
        for pk, reason in self.db.items():
            if pk not in self.taken:
                key: Key = ("db", pk)
                self.nodes[key] = Node(key, reason.dimension, reason.name, reason.code)
                self.by_name[(reason.dimension, reason.name)].append(key)
        for node in self.rows:
            self.nodes[node.key] = node
            self.by_name[(node.dimension, node.name)].append(node.key)
            self.parent[node.key] = _PENDING
        self._resolve()
        if not self.report.ok:
            return []
        self._loops()
        self._duplicates()
        if not self.report.ok:
            return []
        self._codes()
        return self._plans()

    # The parent of any node: a database reason's (or the row standing for its parent),
    # a row's as resolved so far.
    def parent_of(self, key: Key) -> Any:
        if key[0] == "row":
            return self.parent[key]
        parent_id = self.db[key[1]].parent_id
        if parent_id is None:
            return None
        return self.taken.get(parent_id, ("db", parent_id))

    def _resolve(self) -> None:
        pending = list(self.rows)
        while pending:
            still = []
            for node in pending:
                found = self._find(node)
                if found is _PENDING:
                    still.append(node)
                    continue
                self.parent[node.key] = found
                if found is not False:
                    self._claim(node)
            if len(still) == len(pending):
                for node in still:
                    self.problem(
                        node,
                        "parent",
                        _(
                            "The parent cannot be found: the rows' parents go round in a "
                            "loop, or name a reason that is not there."
                        ),
                    )
                return
            pending = still

    def _find(self, node: Node) -> Any:
        """The parent's key, None at the top, _PENDING while undecided, or False after a
        problem was reported."""
        ref = node.parent_ref
        if not ref:
            return None
        dimension = PARENT_DIMENSION[Dimension(node.dimension)]
        by_code = self.row_by_code.get((dimension, ref))
        if by_code is not None:
            return by_code.key
        pk = self.db_by_code.get((dimension, ref))
        if pk is not None:
            return self.taken.get(pk, ("db", pk))
        # A name, or a path of names read from its end: the reason of that name whose
        # parents bear the names before it (营销类/电费电价, or 电费电价 alone when only one
        # reason of the dimension has that name).
        names = [name for name in PATH_SPLIT.split(ref) if name]
        candidates = []
        for key in self.by_name.get((dimension, names[-1]) if names else ("", ""), []):
            if key[0] == "row" and self.parent[key] is _PENDING:
                return _PENDING  # it may yet stand for a reason of the database
            above: Any = key
            for name in reversed(names[:-1]):
                above = self.parent_of(above)
                if above is _PENDING:
                    return _PENDING
                if above is None or self.nodes[above].name != name:
                    break
            else:
                candidates.append(key)
        if len(candidates) == 1:
            if candidates[0] == node.key:
                self._loop(node)
                return False
            return candidates[0]
        if candidates:
            self.problem(
                node,
                "parent",
                _("Several reasons have this name: write its code, or the names above it too."),
            )
        elif dimension != node.dimension:
            self.problem(node, "parent", _("No business type has this code or name."))
        else:
            self.problem(node, "parent", _("No reason of this dimension has this code or name."))
        return False

    def _claim(self, node: Node) -> None:
        """A row without a code stands for the reason with its dimension, parent and name."""
        if node.code:
            return
        for key in self.by_name.get((node.dimension, node.name), []):
            if key[0] == "db" and self.parent_of(key) == self.parent[node.key]:
                self.taken[key[1]] = node.key
                self.by_name[(node.dimension, node.name)].remove(key)
                node.reason = self.db[key[1]]
                node.code = node.reason.code
                return

    def _loop(self, node: Node) -> None:
        self.problem(node, "parent", _("A reason cannot sit under itself or under one of its own."))

    def _loops(self) -> None:
        for node in self.rows:
            seen = {node.key}
            key = self.parent_of(node.key)
            while key is not None:
                if key == node.key:
                    self._loop(node)
                    break
                if key in seen:
                    break  # a loop above this row, reported on its own rows
                seen.add(key)
                key = self.parent_of(key)

    def _duplicates(self) -> None:
        seen: dict[tuple[str, Any, str], Node] = {}
        for node in self.rows:
            place = (node.dimension, self.parent[node.key], node.name)
            first = seen.setdefault(place, node)
            if first is not node:
                self.problem(
                    node,
                    "name",
                    _("The same name under the same parent is already on row %(row)d.")
                    % {"row": first.key[1]},
                )

    def _depth(self, key: Key) -> int:
        depth = 0
        parent = self.parent_of(key)
        while parent is not None and depth <= len(self.nodes):
            depth += 1
            parent = self.parent_of(parent)
        return depth

    def _codes(self) -> None:
        """Codes for the rows without one: the name's pinyin, or under its parent's code
        when another reason of the dimension has that, or numbered; parents first, in
        the file's order, so the same file always makes the same codes."""
        used: dict[str, set[str]] = defaultdict(set)
        for reason in self.db.values():
            used[reason.dimension].add(reason.code)
        for node in self.rows:
            if node.code:
                used[node.dimension].add(node.code)
        order = {
            key: (Dimension.values.index(self.nodes[key].dimension), self._depth(key))
            for key in self.parent
        }
        for node in sorted(self.rows, key=lambda n: (order[n.key], n.key[1])):
            if node.code:
                continue
            base = pinyin_code(node.name)
            code = base
            parent = self.parent[node.key]
            if code in used[node.dimension] and parent is not None:
                code = f"{self.nodes[parent].code}_{base}"[:64]
            stem, number = code, 2
            while code in used[node.dimension]:
                suffix = f"_{number}"
                code = stem[: 64 - len(suffix)] + suffix
                number += 1
            node.code = code
            used[node.dimension].add(code)

    def _plans(self) -> list[Plan]:
        siblings: dict[tuple[str, Any], int] = defaultdict(int)
        plans = []
        for node in self.rows:
            parent = self.parent[node.key]
            place = (node.dimension, parent)
            siblings[place] += 1
            plans.append(
                Plan(
                    number=node.key[1],
                    key=node.key,
                    reason_id=node.reason.pk if node.reason else None,
                    dimension=node.dimension,
                    code=node.code,
                    name=node.name,
                    parent=parent,
                    position=node.position if node.position is not None else siblings[place],
                    active=node.active,
                )
            )
        # Parents are written before their children.
        depth = {plan.key: self._depth(plan.key) for plan in plans}
        dimension_order = {
            Dimension.CUSTOMER_ATTRIBUTE: 0,
            Dimension.BUSINESS_TYPE: 1,
            Dimension.SERVICE_CONTENT: 2,
        }
        return sorted(
            plans, key=lambda p: (dimension_order[Dimension(p.dimension)], depth[p.key], p.number)
        )
