"""The centre's calendars, categories, departments, regions and choices as a spreadsheet names
them, found from what people write and written back so they are found again."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from kefu.contacts.models import CallReason
from kefu.core.models import OrgUnit, Region, WorkCalendar

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
        if len(found) > 1:
            return _("Several call reasons match: write the code, or 业务种类/服务内容.")
        if not found:
            return _("Unknown category: write a business type or service content's code or name.")
        if not found[0].active:
            return _("This call reason is not in use (启用=否).")
        return found[0]

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
        if len(found) == 1:
            return found[0]
        if found:
            return _("Several departments have this name: write the department's code.")
        return _("Unknown department: write the name or code of one of the centre's departments.")

    def department_text(self, unit: OrgUnit) -> str:
        named = [d for d in self.departments if d.name == unit.name]
        return unit.name if len(named) == 1 else unit.code

    @staticmethod
    def region(text: str) -> Region | str:
        found = list(Region.objects.filter(code=text)) or list(Region.objects.filter(name=text)[:2])
        if len(found) == 1:
            return found[0]
        if found:
            return _("Several regions have this name: write the region's code (GB/T 2260).")
        return _("Unknown region: write its code (GB/T 2260) or name.")

    @staticmethod
    def region_text(region: Region) -> str:
        return region.name if Region.objects.filter(name=region.name).count() == 1 else region.code


def any_blank(text: str) -> str:
    """The cell's text, or "" when it says "any" (不限, 全部, *)."""
    return "" if text.strip().lower() in ANY else text.strip()
