"""The centre's calendars, categories, departments, regions and choices as a spreadsheet names
them, found from what people write and written back so they are found again; and what the
two kinds share: the category column, the right to change them, and a cell's match or its
problem (`RuleImporter`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar, TypeVar

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from kefu.contacts.models import CallReason
from kefu.core.imports import Column, Importer, Report, Row
from kefu.core.models import OrgUnit, Region, WorkCalendar
from kefu.core.roles import CHANGE_POLICY

R = TypeVar("R")
T = TypeVar("T")

# What people write in a match column that matches anything (as a blank cell does).
ANY = {"不限", "全部", "任意", "所有", "*", "any", "all"}


def choices_by_name(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Every way a file may name a choice (Chinese label, English label, code) → code."""
    names: dict[str, str] = {}
    pairs = list(choices)
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in pairs:
                names[str(label).lower()] = value
    names.update({value: value for value, _text in pairs})
    return names


def choice_label(choices: Iterable[tuple[str, Any]], value: str) -> str:
    return str(dict(choices).get(value, value)) if value else ""


class Names:
    """The centre's calendars, categories, departments and regions, found as people write
    them, and written back so they are found again."""

    def __init__(self, centre: OrgUnit) -> None:
        self.calendars = list(WorkCalendar.objects.all())
        reasons = list(
            CallReason.objects.filter(
                centre=centre,
                dimension__in=[
                    CallReason.Dimension.BUSINESS_TYPE,
                    CallReason.Dimension.SERVICE_CONTENT,
                ],
            ).select_related("parent")
        )
        self.categories = reasons
        self.departments = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT, parent=centre))

    # Each finder: the match, or a problem's message.

    def calendar(self, text: str) -> WorkCalendar | str:
        for test in (
            lambda c: c.name == text,
            lambda c: c.title == text,
            lambda c: text.lower() in {str(c.get_kind_display()).lower(), c.kind},
        ):
            found = [calendar for calendar in self.calendars if test(calendar)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                return _("Several calendars match: write the calendar's name.")
        names = "、".join(self.calendar_text(c) for c in self.calendars)
        return _("Unknown calendar: write one of %(names)s.") % {"names": names or "—"}

    def calendar_text(self, calendar: WorkCalendar) -> str:
        same = [c for c in self.calendars if c.title == calendar.title]
        return calendar.title if calendar.title and len(same) == 1 else calendar.name

    def category(self, text: str) -> CallReason | str:
        by_code = [r for r in self.categories if r.code == text]
        found = by_code or [r for r in self.categories if r.name == text]
        if not found and "/" in text:
            parent, _slash, name = text.rpartition("/")
            found = [
                r
                for r in self.categories
                if r.name == name.strip() and r.parent and r.parent.name == parent.strip()
            ]
        match = _one(
            found,
            several=_("Several call reasons match: write the code, or 业务种类/服务内容."),
            unknown=_("Unknown category: write a business type or service content's code or name."),
        )
        if isinstance(match, CallReason) and not match.active:
            return _("This call reason is not in use (启用=否).")
        return match

    def category_text(self, reason: CallReason) -> str:
        named = [r for r in self.categories if r.name == reason.name]
        if len(named) == 1 and not any(r.code == reason.name for r in self.categories):
            return reason.name
        if reason.parent and "/" not in reason.name + reason.parent.name:
            path = f"{reason.parent.name}/{reason.name}"
            if self.category(path) == reason:
                return path
        return reason.code

    def department(self, text: str) -> OrgUnit | str:
        found = [d for d in self.departments if d.code == text] or [
            d for d in self.departments if d.name == text
        ]
        return _one(
            found,
            several=_("Several departments have this name: write the department's code."),
            unknown=_(
                "Unknown department: write the name or code of one of the centre's departments."
            ),
        )

    def department_text(self, unit: OrgUnit) -> str:
        named = [d for d in self.departments if d.name == unit.name]
        return unit.name if len(named) == 1 else unit.code

    @staticmethod
    def region(text: str) -> Region | str:
        found = list(Region.objects.filter(code=text)) or list(Region.objects.filter(name=text)[:2])
        return _one(
            found,
            several=_("Several regions have this name: write the region's code (GB/T 2260)."),
            unknown=_("Unknown region: write its code (GB/T 2260) or name."),
        )

    @staticmethod
    def region_text(region: Region) -> str:
        return region.name if Region.objects.filter(name=region.name).count() == 1 else region.code


def any_blank(text: str) -> str:
    """The cell's text, or "" when it says "any" (不限, 全部, *)."""
    return "" if text.strip().lower() in ANY else text.strip()


def _one(found: Sequence[T], *, several: str, unknown: str) -> T | str:
    """The one match, or the message for several or for none."""
    if len(found) > 1:
        return several
    if not found:
        return unknown
    return found[0]


def category_column(*, help: str | Promise, example: str) -> Column:
    """The category column (a call reason as `Names.category` finds it), as both kinds
    call it."""
    return Column(
        "category",
        pgettext_lazy("import column", "Category"),
        help=help,
        example=example,
        aliases=("来电原因", "业务类别"),
    )


class RuleImporter(Importer[R]):
    """A kind of the centre's routing rules (time-limit policies, dispatch rules): changed
    only by those who may configure them, one record (`row_record`) a row, naming calendars,
    categories, departments and regions as people write them (`self.names`)."""

    # What the report says to someone who may not change the rules.
    refused: ClassVar[str | Promise]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.names = Names(self.centre)

    def check(self, rows: Sequence[Row], report: Report) -> list[R]:
        if self.actor is not None and not self.actor.has_perm(CHANGE_POLICY):
            if report.ok:
                report.problem(None, "", str(self.refused))
            return []
        records = []
        for row in rows:
            record = self.row_record(row, report)
            if record is not None:
                records.append(record)
        return records

    def row_record(self, row: Row, report: Report) -> R | None:
        """The row's record, or None with its problems added to the report."""
        raise NotImplementedError

    def found(
        self, report: Report, row: Row, key: str, text: str, finder: Callable[[str], T | str]
    ) -> T | None:
        """What `finder` (one of `self.names`'s) finds for `text`, the `key` cell as the
        kind reads it; None for a blank, and None with the finder's message as the cell's
        problem when nothing (or more than one thing) fits."""
        if not text:
            return None
        match = finder(text)
        if isinstance(match, str):
            self.problem(report, row, key, match)
            return None
        return match
