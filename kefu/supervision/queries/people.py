"""Reads of one person's page (issue 20 points 2-4): their exam results and their latest
quarterly appraisal, for the person page and `GET /supervision/people/{id}` alike. Who may
open the page is `queries.honours.person_get_for_user`; these read only what it shows.

- Exam results: the person's papers, newest first, each with its score, pass or fail and
  the rank among the exam's marked papers (equal scores share a rank, as the exam's own
  results list them best first). The reads are the person's papers and the marked papers
  of those exams, not the centre's.
- The appraisal: the latest quarter that is over (seed 002 第14篇 7: the appraisal is held
  on the last day of each quarter, 每季度最后一日…进行季度考评), the person's row of
  `assessment.appraisal_of`. Its answered-calls and handling-time scores are relative to
  the centre's best and its rank is among everyone's totals, so one person's appraisal is
  a row of the whole, read with the centre's figures as the appraisal page keeps them
  (`figures.centre_figures`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from kefu.core.models import User
from kefu.supervision import appraisal
from kefu.supervision.models import Paper, PaperState
from kefu.supervision.queries.assessment import appraisal_of, quarter_of
from kefu.supervision.queries.exams import may_manage, may_mark

#: How many of a person's papers the page lists.
EXAMS_SHOWN = 20


@dataclass(frozen=True)
class ExamResult:
    paper_id: int
    exam_id: int
    title: str
    day: dt.date  # the day it was handed in; the exam's closing day if never handed in
    state: str
    percent: Decimal | None  # None until marked
    passed: bool | None
    rank: int | None  # among the exam's marked papers; None until marked
    ranked: int  # how many of the exam's papers are marked
    may_open: bool  # whether the viewer may open the paper


def exam_results(viewer: User, person: User, limit: int = EXAMS_SHOWN) -> list[ExamResult]:
    """The person's exam papers, newest first, with their rank in each exam. Two reads:
    the person's papers, then the marked scores of those exams. The viewer may open a
    paper when it is their own or they mark or keep exams (`queries.exams.papers_of`)."""
    papers = list(
        Paper.objects.filter(person=person)
        .select_related("exam")
        .order_by("-exam__closes_at", "-pk")[:limit]
    )
    if not papers:
        return []
    scores: dict[int, list[Decimal]] = {}
    for exam_id, percent in Paper.objects.filter(
        exam_id__in=[p.exam_id for p in papers], state=PaperState.MARKED, percent__isnull=False
    ).values_list("exam_id", "percent"):
        if percent is not None:
            scores.setdefault(exam_id, []).append(percent)
    opens = viewer.pk == person.pk or (
        viewer.centre_id == person.centre_id and (may_mark(viewer) or may_manage(viewer))
    )
    zone = timezone.get_current_timezone()
    out = []
    for paper in papers:
        marked = paper.state == PaperState.MARKED and paper.percent is not None
        others = scores.get(paper.exam_id, [])
        at = paper.submitted_at or paper.exam.closes_at
        out.append(
            ExamResult(
                paper_id=paper.pk,
                exam_id=paper.exam_id,
                title=paper.exam.title,
                day=at.astimezone(zone).date(),
                state=paper.state,
                percent=paper.percent if marked else None,
                passed=paper.passed if marked else None,
                rank=1 + sum(1 for p in others if p > (paper.percent or 0)) if marked else None,
                ranked=len(others),
                may_open=opens,
            )
        )
    return out


# ---------------------------------------------------------------------------- appraisal


@dataclass(frozen=True)
class PersonAppraisal:
    first: dt.date
    last: dt.date
    item: appraisal.Appraisal  # the person's: total, rank, each part with its weight
    ranked: int  # how many people of the centre are ranked


def latest_quarter(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The latest quarter that is over: the one before the quarter holding today."""
    first, _last = quarter_of(today or timezone.localdate())
    return quarter_of(first - dt.timedelta(days=1))


def person_appraisal(person: User, today: dt.date | None = None) -> PersonAppraisal | None:
    """The person's row of the latest quarter's appraisal; None for someone outside a
    centre or not appraised (not in a measured role)."""
    if person.centre is None:
        return None
    first, last = latest_quarter(today)
    whole = appraisal_of(person.centre, first, last)
    item = next((a for a in whole.people if a.key == person.pk), None)
    if item is None:
        return None
    ranked = sum(1 for a in whole.people if a.rank is not None)
    return PersonAppraisal(first=first, last=last, item=item, ranked=ranked)
