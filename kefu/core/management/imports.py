"""What `kefu import` and `kefu export` share: a kind named on the command line, and an
import's report as the terminal shows it."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from kefu.core.imports import Report, importer_class, kinds


def kind_named(name: str) -> str:
    try:
        return importer_class(name).kind
    except KeyError:
        known = ", ".join(kind.kind for kind in kinds())
        raise CommandError(
            _("There is no import called %(kind)s: choose one of %(known)s.")
            % {"kind": name, "known": known}
        ) from None


def report_lines(report: Report) -> list[str]:
    """The report as the terminal shows it: the summary, then every problem listed."""
    lines = [report.summary()]
    if report.per_batch and report.written and report.rows_written < report.rows:
        lines.append(
            _("Written in batches of %(size)d rows: %(done)d of %(rows)d rows were written.")
            % {"size": report.batch_size, "done": report.rows_written, "rows": report.rows}
        )
    for problem in report.problems:
        where = _("row %(row)d") % {"row": problem.row} if problem.row else _("the file")
        column = f" · {problem.column}" if problem.column else ""
        value = f"（{problem.value}）" if problem.value else ""
        lines.append(f"  {where}{column}：{problem.message}{value}")
    if report.problem_count > len(report.problems):
        lines.append(
            _("  … and %(count)d more problems.")
            % {"count": report.problem_count - len(report.problems)}
        )
    lines += [f"  {_('note')} · {w.column}：{w.message}" for w in report.warnings]
    lines += [
        f"  {_('row %(row)d') % {'row': c.row}} · {c.key}：{c.text}" for c in report.changes[:50]
    ]
    if report.change_count > 50:
        lines.append(_("  … and %(count)d more changes.") % {"count": report.change_count - 50})
    return lines
