"""The call-reason catalogue from a spreadsheet (`kefu import call-reasons`), and out to
one in the same shape.

One row per reason: its dimension (客户属性, 业务种类 or 服务内容; regions, the fourth
dimension, come with the organisation import), its parent (a code, or a path of names
from the top such as 营销类/电费电价), its code (made from the name's pinyin when left
blank), its name, position and whether it is in use. A service content's parent is a
business type, as the workbench shows them; the other dimensions nest within themselves.

A re-import updates each reason found by (dimension, code), or, for a row without a
code, by (dimension, parent, name), so a catalogue kept without codes imports again onto
the same reasons and codes. A reason missing from the file is never deleted: contacts
and work orders are classified by it; 启用=否 retires it from the workbench.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from pypinyin import lazy_pinyin

from kefu.contacts.models import CallReason
from kefu.contacts.services import PARENT_DIMENSION, call_reason_save
from kefu.core.errors import DomainError
from kefu.core.imports import Column, Importer, Report, Row
from kefu.core.imports.cells import yes_no, yes_no_text
from kefu.core.roles import CHANGE_POLICY

Dimension = CallReason.Dimension
Key = tuple[str, int]  # ("db", reason id) or ("row", spreadsheet row number)
MAX_ROWS = 20_000
_CODE = re.compile(r"^[A-Za-z0-9_-]+$")
_PATH_SPLIT = re.compile(r"\s*[/／>＞]\s*")
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


def dimension_labels() -> dict[str, str]:
    """Every way a file may name a dimension (Chinese, English, the code) → the code."""
    names: dict[str, str] = {}
    for value, label in Dimension.choices:
        names[value] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names[str(label).lower()] = value
    return names


def pinyin_code(name: str) -> str:
    """A code made from a name: its pinyin, other letters and digits kept, the rest `_`
    (电费查询 → dianfeichaxun, 95598网站 → 95598wangzhan)."""
    text = "".join(lazy_pinyin(name)).lower()
    code = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return code[:64] or "reason"


class CallReasons(Importer[Plan]):
    kind = "call-reasons"
    title = gettext_lazy("Call reasons")
    columns = (
        Column(
            "dimension",
            pgettext_lazy("import column", "Dimension"),
            required=True,
            help=gettext_lazy(
                "客户属性, 业务种类 or 服务内容 (regions, the fourth dimension, come with "
                "the organisation import)."
            ),
            example="服务内容",
        ),
        Column(
            "parent",
            pgettext_lazy("import column", "Parent"),
            help=gettext_lazy(
                "The reason this one sits under: its code, or its name with the names above "
                "it, separated by /. A service content's parent is a business type; blank "
                "for a reason at the top."
            ),
            example="电费电价",
            aliases=("上级代码", "上级名称", "父级"),
        ),
        Column(
            "code",
            pgettext_lazy("import column", "Code"),
            help=gettext_lazy(
                "Letters, digits, - and _, unique within the dimension. Blank: made from "
                "the name's pinyin, and kept on every later import."
            ),
            example="bill_inquiry",
            aliases=("编码", "原因代码"),
        ),
        Column(
            "name",
            pgettext_lazy("import column", "Name"),
            required=True,
            help=gettext_lazy("What agents see on the workbench, up to 100 characters."),
            example="电费查询",
            aliases=("原因名称",),
        ),
        Column(
            "position",
            pgettext_lazy("import column", "Position"),
            help=gettext_lazy(
                "A whole number: lower comes first among its siblings. Blank: the file's order."
            ),
            example="1",
            aliases=("顺序", "序号"),
        ),
        Column(
            "active",
            pgettext_lazy("import column", "Active"),
            help=gettext_lazy(
                "是 or 否 (blank: 是). A reason missing from the file is not deleted: write "
                "否 here to take it off the workbench."
            ),
            example="是",
            aliases=("是否启用",),
        ),
    )
    batch_size = MAX_ROWS
    notes = (
        gettext_lazy(
            "Importing again updates the reasons found by dimension and code (or, without a "
            "code, by dimension, parent and name) and reports what changed."
        ),
        gettext_lazy(
            "A reason missing from the file is not deleted, since contacts and work orders "
            "are classified by it: set 启用 to 否 to retire it."
        ),
    )
    examples = (
        ("客户属性", "", "resident", "居民客户", "1", "是"),
        ("业务种类", "", "billing", "电费电价", "2", "是"),
        ("服务内容", "电费电价", "bill_inquiry", "电费查询", "1", "是"),
        ("服务内容", "电费电价", "", "电费发票", "2", "是"),
        ("服务内容", "billing", "bill_dispute", "电费争议", "3", "否"),
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.checked = False
        self.dimensions = dimension_labels()

    # -- check ---------------------------------------------------------------------------

    def check(self, rows: Sequence[Row], report: Report) -> list[Plan]:
        if self.checked:
            report.problem(
                rows[0].number,
                "",
                _("A call-reason catalogue has at most %(count)d rows: split the file.")
                % {"count": MAX_ROWS},
            )
            return []
        self.checked = True
        if self.actor is not None and not self.actor.has_perm(CHANGE_POLICY):
            report.problem(None, "", _("You may not change the call-reason catalogue."))
            return []
        by_row = {row.number: row for row in rows}
        nodes = [node for row in rows if (node := self._node(row, report))]
        return _Catalogue(self, nodes, by_row, report).plans()

    def _node(self, row: Row, report: Report) -> Node | None:
        dimension = self.dimensions.get(row["dimension"].lower())
        if not row["dimension"]:
            self.problem(report, row, "dimension", _("Required."))
        elif dimension is None:
            if row["dimension"].lower() in {_("Region").lower(), "地域", "region"}:
                message = _(
                    "Regions are imported with the organisation (kefu import org), not here."
                )
            else:
                message = _("Unknown dimension: write 客户属性, 业务种类 or 服务内容.")
            self.problem(report, row, "dimension", message)
        name = row["name"]
        if not name:
            self.problem(report, row, "name", _("Required."))
        elif len(name) > 100:
            self.problem(report, row, "name", _("At most 100 characters."))
        code = row["code"]
        if code and (len(code) > 64 or not _CODE.match(code)):
            self.problem(
                report,
                row,
                "code",
                _("A code is up to 64 letters, digits, - or _ (or blank, to make one)."),
            )
            code = ""
        position: int | None = None
        if row["position"]:
            if row["position"].isdigit() and int(row["position"]) < 2**31:
                position = int(row["position"])
            else:
                self.problem(report, row, "position", _("A whole number of 0 or more."))
        active = yes_no(row["active"], default=True)
        if active is None:
            self.problem(report, row, "active", _("Write 是 or 否."))
        if dimension is None or not name or len(name) > 100:
            return None
        return Node(
            key=("row", row.number),
            dimension=dimension,
            name=name,
            code=code,
            parent_ref=row["parent"],
            position=position,
            active=bool(active),
        )

    # -- write ---------------------------------------------------------------------------

    def write(self, records: list[Plan], report: Report) -> None:
        reasons = {reason.pk: reason for reason in CallReason.objects.filter(centre=self.centre)}
        # One instance per reason, parents included, so the service's loop check walks the
        # tree as this write leaves it.
        for one in reasons.values():
            if one.parent_id in reasons:
                one.parent = reasons[one.parent_id]
        made: dict[Key, CallReason] = {}
        labels = dict(Dimension.choices)
        for plan in records:
            parent: CallReason | None = None
            if plan.parent is not None:
                kind, ident = plan.parent
                parent = made[plan.parent] if kind == "row" else reasons[ident]
            reason = reasons.get(plan.reason_id) if plan.reason_id else None
            changes = _changes(reason, plan, parent, self.labels) if reason else []
            if reason is not None and not changes:
                report.unchanged += 1
                made[plan.key] = reason
                continue
            try:
                saved = call_reason_save(
                    actor=self.actor,
                    centre=self.centre,
                    reason=reason,
                    dimension=plan.dimension,
                    code=plan.code,
                    name=plan.name,
                    parent=parent,
                    position=plan.position,
                    active=plan.active,
                )
            except DomainError as error:
                report.problem(plan.number, "", str(error.message))
                raise
            made[plan.key] = saved
            if reason is None:
                report.created += 1
            else:
                report.updated += 1
                report.change(
                    plan.number, f"{labels[plan.dimension]} {plan.code}", "；".join(changes)
                )

    # -- export --------------------------------------------------------------------------

    def export_rows(self) -> Iterable[Sequence[Any]]:
        reasons = list(CallReason.objects.filter(centre=self.centre))
        by_id = {reason.pk: reason for reason in reasons}
        parents = {reason.pk: reason.parent_id for reason in reasons}
        paths = {reason.pk: _path(reason.pk, by_id, parents) for reason in reasons}
        # How many reasons of a dimension each tail of names fits, as the import reads a
        # parent: 电费电价 alone, or 营销类/电费电价.
        tails: dict[tuple[str, tuple[str, ...]], int] = defaultdict(int)
        for reason in reasons:
            path = paths[reason.pk]
            for start in range(len(path)):
                tails[(reason.dimension, path[start:])] += 1
        codes = {(reason.dimension, reason.code) for reason in reasons}
        labels = dict(Dimension.choices)
        order = list(Dimension.values)

        def parent_text(reason: CallReason) -> str:
            """The parent by the fewest names that find it alone (none of them holding the
            separator, and not read as a code), by its code otherwise."""
            parent = by_id.get(reason.parent_id) if reason.parent_id else None
            if parent is None:
                return ""
            path = paths[parent.pk]
            if any(_PATH_SPLIT.search(name) for name in path):
                return parent.code
            for start in range(len(path) - 1, -1, -1):
                tail = path[start:]
                text = "/".join(tail)
                if tails[(parent.dimension, tail)] == 1 and (parent.dimension, text) not in codes:
                    return text
            return parent.code

        def sort_key(reason: CallReason) -> tuple[Any, ...]:
            chain: list[tuple[int, str]] = []
            node: int | None = reason.pk
            seen: set[int] = set()
            while node is not None and node not in seen:
                seen.add(node)
                chain.append((by_id[node].position, by_id[node].code))
                node = parents.get(node)
            return (order.index(reason.dimension), tuple(reversed(chain)))

        # Business types come before the service contents that name them.
        for reason in sorted(reasons, key=sort_key):
            yield [
                str(labels[reason.dimension]),
                parent_text(reason),
                reason.code,
                reason.name,
                str(reason.position),
                yes_no_text(reason.active),
            ]


def _path(pk: int, by_id: dict[int, CallReason], parents: dict[int, int | None]) -> tuple[str, ...]:
    names: list[str] = []
    node: int | None = pk
    seen: set[int] = set()
    while node is not None and node not in seen:
        seen.add(node)
        names.append(by_id[node].name)
        node = parents.get(node)
    return tuple(reversed(names))


def _changes(
    reason: CallReason, plan: Plan, parent: CallReason | None, labels: dict[str, str]
) -> list[str]:
    """What the row changes, each named by the file's own column header."""
    changes = []
    if reason.name != plan.name:
        changes.append(f"{labels['name']}：{reason.name} → {plan.name}")
    if reason.parent_id != (parent.pk if parent else None):
        old = reason.parent.name if reason.parent else "—"
        changes.append(f"{labels['parent']}：{old} → {parent.name if parent else '—'}")
    if reason.position != plan.position:
        changes.append(f"{labels['position']}：{reason.position} → {plan.position}")
    if reason.active != plan.active:
        old_active, new_active = yes_no_text(reason.active), yes_no_text(plan.active)
        changes.append(f"{labels['active']}：{old_active} → {new_active}")
    return changes


class _Catalogue:
    """The file's rows and the centre's reasons as one tree per dimension: resolves each
    row's parent, finds the reason each row updates, makes the missing codes, and reports
    unknown parents, loops and duplicates on the row and column at fault."""

    def __init__(
        self, kind: CallReasons, rows: list[Node], by_row: dict[int, Row], report: Report
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
        names = [name for name in _PATH_SPLIT.split(ref) if name]
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
