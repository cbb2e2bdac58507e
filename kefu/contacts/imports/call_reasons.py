"""`kefu import call-reasons`: the kind, its columns, its write and its export."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kefu.contacts.imports.catalogue import PATH_SPLIT, Catalogue, Dimension, Key, Node, Plan
from kefu.contacts.models import CallReason
from kefu.contacts.services import call_reason_save
from kefu.core.errors import DomainError
from kefu.core.imports import Column, Importer, Report, Row
from kefu.core.imports.cells import yes_no, yes_no_text
from kefu.core.roles import CHANGE_POLICY

MAX_ROWS = 20_000
_CODE = re.compile(r"^[A-Za-z0-9_-]+$")


def dimension_labels() -> dict[str, str]:
    """Every way a file may name a dimension (Chinese, English, the code) → the code."""
    names: dict[str, str] = {}
    for value, label in Dimension.choices:
        names[value] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names[str(label).lower()] = value
    return names


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
        return Catalogue(self, nodes, by_row, report).plans()

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
            if any(PATH_SPLIT.search(name) for name in path):
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
