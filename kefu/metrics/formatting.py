"""How indicator values read on pages, in spreadsheets and in e-mails. Pure."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kefu.metrics.standards import Target, Unit


def value_text(value: float | None, unit: Unit | str) -> str:
    """85.3%, 23 s, 1,204; a value that is not available says so."""
    if value is None:
        return _("n/a")
    unit = Unit(unit)
    if unit is Unit.RATE:
        return f"{value * 100:.1f}%"
    if unit is Unit.SECONDS:
        return _("%(seconds)s s") % {"seconds": f"{value:.0f}"}
    if unit is Unit.COUNT:
        return f"{value:,.0f}"
    if unit is Unit.MONEY:
        return f"¥{value:,.2f}"
    return f"{value:.1f}"


def target_text(target: Target | None, unit: Unit | str) -> str:
    """ "≥ 80.0%", "20 s – 60 s", "≤ 20 s"; empty when the indicator has no target."""
    if target is None or (target.low is None and target.high is None):
        return ""
    if target.low is not None and target.high is not None:
        return f"{value_text(target.low, unit)} – {value_text(target.high, unit)}"
    if target.low is not None:
        return f"≥ {value_text(target.low, unit)}"
    return f"≤ {value_text(target.high, unit)}"


def spreadsheet_value(value: float | None, unit: Unit | str) -> float | str | None:
    """Cells keep numbers (rates as fractions with a % format applied by the writer)."""
    if value is None:
        return _("n/a")
    return round(value, 4) if Unit(unit) is Unit.RATE else round(value, 2)
