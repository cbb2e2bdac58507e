"""Background tasks of the supervision app, run by the django-q2 worker."""

from __future__ import annotations

RECTIFICATIONS_SWEEP = "kefu.supervision.tasks.rectifications_sweep"
HONOURS_PROPOSE = "kefu.supervision.tasks.honours_propose"
PAPERS_CLOSE = "kefu.supervision.tasks.papers_close"


def rectifications_sweep() -> int:
    """Every hour: tell the owners and inspectors of rectifications past their deadline."""
    from kefu.supervision.services.rectifications import rectifications_overdue_sweep

    return rectifications_overdue_sweep()


def honours_propose() -> int:
    """Hourly: from the 1st of a month, each centre's honours of the month before are
    proposed (once; 003 (八) 1 每月评选)."""
    from kefu.supervision.services.honours import honours_propose_due

    return honours_propose_due()


def papers_close() -> int:
    """Every five minutes: hand in the exam papers whose time is up."""
    from kefu.supervision.services.exams import papers_close_overdue

    return papers_close_overdue()


REPORTS_REMIND = "kefu.supervision.tasks.reports_remind"


def reports_remind() -> int:
    """Hourly: remind whoever has not submitted a due work report, and their leader
    (002 第14篇), once per report period."""
    from kefu.supervision.services.reminders import reports_missing_sweep

    return reports_missing_sweep()
