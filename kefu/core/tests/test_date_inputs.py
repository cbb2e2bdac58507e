"""Every date and date-time field of every form shows its value in the browser's picker.
A picker takes ISO values only (2026-12-06, 2026-12-06T10:30); Django writes a date in the
page's language (zh-Hans: 2026/12/06), which the picker drops, so a default date or what
was typed into a refused form showed empty (found on the rota page's forms)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.urls import get_resolver
from django.utils import translation


def _forms(cls: type[forms.BaseForm]) -> list[type[forms.BaseForm]]:
    found: list[type[forms.BaseForm]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_forms(sub)]
    return found


def test_every_picker_gets_an_iso_value() -> None:
    get_resolver().url_patterns  # noqa: B018  (imports every view, and the forms with them)
    checked = 0
    with translation.override("zh-hans"):
        for form in _forms(forms.BaseForm):
            if not form.__module__.startswith("kefu."):
                continue
            for name, field in getattr(form, "base_fields", {}).items():
                widget = field.widget
                kind = getattr(widget, "input_type", "")
                if isinstance(field, forms.DateTimeField) or kind == "datetime-local":
                    shown = widget.format_value(dt.datetime(2026, 12, 6, 10, 30, tzinfo=dt.UTC))
                    assert shown == "2026-12-06T10:30", (form, name, shown)
                elif isinstance(field, forms.DateField) and kind == "date":
                    shown = widget.format_value(dt.date(2026, 12, 6))
                    assert shown == "2026-12-06", (form, name, shown)
                else:
                    continue
                checked += 1
    assert checked >= 10
