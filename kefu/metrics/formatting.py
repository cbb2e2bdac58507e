"""How indicator values read on pages, in spreadsheets and in e-mails. Pure."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kefu.metrics.standards import Direction, Target, Unit


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


def change_text(value: float | None, previous: float | None, unit: Unit | str) -> str:
    """How far the value moved from the period before: +2.1 pp, −3 s, +120; "no change"
    when it reads the same, empty when either side is not available."""
    if value is None or previous is None:
        return ""
    unit = Unit(unit)
    delta = value - previous
    if unit is Unit.RATE:
        points = f"{abs(delta) * 100:.1f}"
        text = _("%(points)s pp") % {"points": points}
        same = points == "0.0"
    else:
        text = value_text(abs(delta), unit)
        same = text == value_text(0.0, unit)
    if same:
        return _("no change")
    return ("+" if delta > 0 else "−") + text


def direction_text(target: Target | None) -> str:
    """Which way the figure is better, as a target states it; empty without a target."""
    if target is None:
        return ""
    return {
        Direction.HIGHER: _("higher is better"),
        Direction.LOWER: _("lower is better"),
        Direction.RANGE: _("within the range is good"),
    }[target.direction]


def bounds_text(target: Target | None, unit: Unit | str) -> str:
    """ "≥ 80.0%", "20 s – 60 s", "≤ 20 s"; empty when the indicator has no target."""
    if target is None or (target.low is None and target.high is None):
        return ""
    if target.low is not None and target.high is not None:
        return f"{value_text(target.low, unit)} – {value_text(target.high, unit)}"
    if target.low is not None:
        return f"≥ {value_text(target.low, unit)}"
    return f"≤ {value_text(target.high, unit)}"


def target_text(target: Target | None, unit: Unit | str) -> str:
    """ "≥ 80.0% · higher is better", "≤ 90 s · lower is better", "270 s – 360 s · within the
    range is good": every target says which way is good; empty without a target."""
    bounds = bounds_text(target, unit)
    if not bounds:
        return ""
    return f"{bounds} · {direction_text(target)}"


def spreadsheet_value(value: float | None, unit: Unit | str) -> float | str | None:
    """Cells keep numbers (rates as fractions with a % format applied by the writer)."""
    if value is None:
        return _("n/a")
    return round(value, 4) if Unit(unit) is Unit.RATE else round(value, 2)
