"""A person's page at supervision/people/<id>/ (issue 20 point 4): their role, team,
honours and this month's figures; the other parts of issue 20 (exams, appraisal) add
their own section to `SECTIONS`. Who may open it: `queries.honours.person_get_for_user`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.http import request_user
from kefu.core.models import User
from kefu.core.roles import ROLES
from kefu.supervision import appraisal
from kefu.supervision.queries import honours as queries
from kefu.supervision.queries import people as person_queries
from kefu.supervision.queries.figures import FIGURES, figures_this_month
from kefu.supervision.views.assessment import COMPONENT_LABELS, COMPONENT_RULES


@dataclass(frozen=True)
class Section:
    """One section of the page: its title, its template, and what the template reads
    (given the viewer and the person)."""

    title: Any
    template: str
    context: Callable[[User, User], dict[str, Any]]


def _figures(viewer: User, person: User) -> dict[str, Any]:
    today = timezone.localdate()
    first = today.replace(day=1)
    found = figures_this_month(person)
    return {
        "first": first,
        "today": today,
        "figures": [
            (queries.figure_label(code), queries.figure_value(code, found.values.get(code)))
            for code in FIGURES
        ]
        if found
        else [],
    }


def _honours(viewer: User, person: User) -> dict[str, Any]:
    return {"honours": queries.honours_of_person(person)}


def _exams(viewer: User, person: User) -> dict[str, Any]:
    return {"results": person_queries.exam_results(viewer, person)}


def _appraisal(viewer: User, person: User) -> dict[str, Any]:
    first, last = person_queries.latest_quarter()
    found = person_queries.person_appraisal(person)
    return {
        "first": first,
        "last": last,
        "quarter": f"{first.year} Q{(first.month - 1) // 3 + 1}",
        "found": found,
        "parts": [
            {
                "code": p.code,
                "label": COMPONENT_LABELS[appraisal.Component(p.code)],
                "rule": COMPONENT_RULES[appraisal.Component(p.code)],
                "part": p,
            }
            for p in (found.item.parts if found else ())
            if p.weight
        ],
    }


#: The page's sections, in order.
SECTIONS: list[Section] = [
    Section(_("Honours"), "supervision/people/sections/honours.html", _honours),
    Section(_("This month's figures"), "supervision/people/sections/figures.html", _figures),
    Section(_("Exam results"), "supervision/people/sections/exams.html", _exams),
    Section(
        _("Latest quarterly appraisal"), "supervision/people/sections/appraisal.html", _appraisal
    ),
]


@login_required
def person_page(request: HttpRequest, person_id: int) -> HttpResponse:
    viewer = request_user(request)
    person = queries.person_get_for_user(viewer, person_id)
    role = ROLES.get(person.role or "")
    return render(
        request,
        "supervision/people/person.html",
        {
            "person": person,
            "person_role": role.label if role else "—",
            "sections": [
                {"title": s.title, "template": s.template, **s.context(viewer, person)}
                for s in SECTIONS
            ],
        },
    )
