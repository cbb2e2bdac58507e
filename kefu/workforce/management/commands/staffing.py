"""`kefu staffing`: the agents one interval needs, by Erlang C (or Erlang A with the
callers' patience), for the operator planning by hand (kefu/workforce/staffing.py).

Every argument is read here rather than by argparse, so that a wrong one is refused in the
operator's language, with exit status 2 as argparse's own refusals have.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import NotFound
from kefu.core.queries import centre_by_code
from kefu.workforce import staffing
from kefu.workforce.queries import observed_patience_seconds

USAGE_ERROR = 2
# A hundred times a large centre (10,000 Erlangs): beyond it an input is a typing error,
# and the time Erlang A takes grows with the traffic.
MAX_TRAFFIC = 1_000_000
# `--patience-seconds observed`: the patience the centre's own calls show over four weeks.
OBSERVED = "observed"
OBSERVED_WINDOW = timedelta(days=28)


class Refused(Exception):
    """An argument the command cannot plan with; its message is for the operator."""


def _required(options: dict[str, Any], name: str, flag: str) -> float:
    value = _optional(options, name, flag)
    if value is None:
        raise Refused(_("%(flag)s is missing: give it a number.") % {"flag": flag})
    return value


def _optional(options: dict[str, Any], name: str, flag: str) -> float | None:
    text = options[name]
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise Refused(_("%(flag)s must be a number, not %(text)s.") % {"flag": flag, "text": text})
    return value


def _check(value: float | None, flag: str, allowed: Callable[[float], bool], rule: str) -> None:
    if value is not None and not allowed(value):
        raise Refused(
            _("%(flag)s %(value)s is out of range: %(rule)s")
            % {"flag": flag, "value": f"{value:g}", "rule": rule}
        )


def observed_patience(options: dict[str, Any]) -> float:
    """The callers' mean patience in the centre (or --queue) over the last four weeks."""
    try:
        centre = centre_by_code(options["centre"])
    except NotFound as error:
        raise Refused(error.message) from error
    end = timezone.now()
    patience = observed_patience_seconds(
        centre=centre, start=end - OBSERVED_WINDOW, end=end, queue=options["queue"]
    )
    if patience is None:
        raise Refused(
            _(
                "No call of %(scope)s was abandoned in the last %(days)s days, so the "
                "callers' patience cannot be estimated: give --patience-seconds in seconds."
            )
            % {
                "scope": f"「{options['queue']}」" if options["queue"] else f"「{centre.name}」",
                "days": OBSERVED_WINDOW.days,
            }
        )
    return patience


def read(options: dict[str, Any]) -> dict[str, Any]:
    """The plan's arguments from the command's options, or Refused saying what is wrong."""
    calls = _required(options, "calls", "--calls")
    minutes = _required(options, "interval_minutes", "--interval-minutes")
    aht = _required(options, "aht_seconds", "--aht-seconds")
    target = _required(options, "target", "--target")
    answer = _required(options, "answer_seconds", "--answer-seconds")
    occupancy = _optional(options, "max_occupancy", "--max-occupancy")
    shrinkage = _optional(options, "shrinkage", "--shrinkage")
    if options["patience_seconds"] == OBSERVED:
        patience: float | None = observed_patience(options)
    else:
        patience = _optional(options, "patience_seconds", "--patience-seconds")
    _check(calls, "--calls", lambda v: v >= 0, _("the calls cannot be negative."))
    _check(
        minutes,
        "--interval-minutes",
        lambda v: 0 < v <= 1440,
        _("an interval lasts more than 0 and at most 1440 minutes (e.g. 15 or 30)."),
    )
    _check(aht, "--aht-seconds", lambda v: v > 0, _("the handle time must be more than 0 s."))
    _check(
        target,
        "--target",
        lambda v: 0 < v < 1,
        _("the target is a share above 0 and below 1 (0.8 for 80 %)."),
    )
    _check(answer, "--answer-seconds", lambda v: v >= 0, _("the seconds cannot be negative."))
    _check(
        occupancy,
        "--max-occupancy",
        lambda v: 0 < v <= 1,
        _("the maximum occupancy is a share above 0 and at most 1 (0.85 for 85 %)."),
    )
    _check(
        shrinkage,
        "--shrinkage",
        lambda v: 0 <= v < 1,
        _("the shrinkage is a share from 0 to below 1 (0.3 for 30 %)."),
    )
    _check(
        patience,
        "--patience-seconds",
        lambda v: v > 0,
        _("the callers' patience must be more than 0 s."),
    )
    if options["format"] not in ("text", "json"):
        raise Refused(_("--format is text or json, not %(text)s.") % {"text": options["format"]})
    traffic = calls * aht / (minutes * 60)
    if traffic > MAX_TRAFFIC:
        raise Refused(
            _(
                "%(calls)s calls of %(aht)s s in %(minutes)s minutes are %(traffic)s Erlangs, "
                "more than the %(limit)s this command plans for."
            )
            % {
                "calls": f"{calls:g}",
                "aht": f"{aht:g}",
                "minutes": f"{minutes:g}",
                "traffic": f"{traffic:,.0f}",
                "limit": f"{MAX_TRAFFIC:,}",
            }
        )
    return {
        "calls": calls,
        "interval_seconds": minutes * 60,
        "aht_seconds": aht,
        "target": target,
        "answer_seconds": answer,
        "max_occupancy": 1.0 if occupancy is None else occupancy,
        "shrinkage": 0.0 if shrinkage is None else shrinkage,
        "patience_seconds": patience,
    }


def _percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def as_text(
    result: staffing.Plan, answer_seconds: float, target: float, patience: float | None
) -> str:
    """The plan as a short table for the operator."""
    figures = result.figures
    rows = [
        (_("Traffic (Erlangs)"), f"{result.traffic_erlangs:.2f}"),
        (_("Agents on the phones"), str(figures.agents)),
        (_("Agents to schedule (after shrinkage)"), str(result.scheduled_agents)),
        (_("Probability of waiting"), _percent(figures.prob_wait)),
        (
            _("Service level (answered within %(seconds)s s)") % {"seconds": f"{answer_seconds:g}"},
            _percent(figures.service_level),
        ),
        (
            _("Average speed of answer"),
            _("%(seconds)s s") % {"seconds": f"{figures.asa_seconds:.1f}"},
        ),
        (_("Occupancy"), _percent(figures.occupancy)),
    ]
    if figures.abandon_rate is not None:
        rows.append((_("Calls abandoned (share of offered)"), _percent(figures.abandon_rate)))
    if patience is not None:
        rows.append(
            (_("Callers' mean patience"), _("%(seconds)s s") % {"seconds": f"{patience:.1f}"})
        )
    title = (
        _("Staffing by Erlang A (callers hang up)")
        if figures.abandon_rate is not None
        else _("Staffing by Erlang C")
    )
    width = max(_display_width(label) for label, _value in rows)
    lines = [title]
    lines += [f"{label}{' ' * (width - _display_width(label))}  {value}" for label, value in rows]
    if figures.abandon_rate is not None and figures.abandon_rate > 1 - target:
        # The service level leaves out callers who hang up within the answer time (as the
        # centre's reports do): with impatient callers it can be met while many hang up.
        lines.append(
            _(
                "Note: %(share)s of the callers would hang up, more than the %(allowed)s "
                "the target leaves unanswered; plan more agents than this."
            )
            % {"share": _percent(figures.abandon_rate), "allowed": _percent(1 - target)}
        )
    return "\n".join(lines)


def _display_width(text: str) -> int:
    """Columns on a terminal: a Chinese character takes two."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # arithmetic only: no database, no settings to check
    help = (
        "The agents one interval needs by Erlang C (Erlang A with --patience-seconds): "
        "traffic, agents on the phones, agents to schedule after shrinkage, and their "
        "probability of waiting, service level, ASA and occupancy."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def refuse(message: str) -> NoReturn:
            self.fail(_("%(problem)s (see kefu staffing --help)") % {"problem": message})

        parser.error = refuse  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--calls", help="calls offered in the interval")
        parser.add_argument("--interval-minutes", help="the interval's length, e.g. 30")
        parser.add_argument("--aht-seconds", help="average handle time (talk, hold, wrap-up)")
        parser.add_argument("--target", help="service-level target as a share, e.g. 0.8")
        parser.add_argument("--answer-seconds", help="answered within this many seconds, e.g. 20")
        parser.add_argument("--max-occupancy", help="the agents' maximum occupancy (default 1)")
        parser.add_argument("--shrinkage", help="share of paid time off the phones (default 0)")
        parser.add_argument(
            "--patience-seconds",
            help=(
                "the callers' mean patience: Erlang A instead of Erlang C; 'observed' "
                "estimates it from the centre's calls of the last 28 days"
            ),
        )
        parser.add_argument("--centre", help="with 'observed': the centre's code")
        parser.add_argument("--queue", help="with 'observed': one queue's calls only")
        parser.add_argument("--format", default="text", help="text (default) or json")

    def fail(self, message: object) -> NoReturn:
        self.stderr.write(f"kefu staffing: {message}")
        raise SystemExit(USAGE_ERROR)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            arguments = read(options)
        except Refused as refused:
            self.fail(refused)
        result = staffing.plan(**arguments)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_dict()))
        else:
            self.stdout.write(
                as_text(
                    result,
                    arguments["answer_seconds"],
                    arguments["target"],
                    arguments["patience_seconds"],
                )
            )
