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
from kefu.supervision.queries import honours as queries
from kefu.supervision.queries.figures import FIGURES, figures_this_month


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


#: The page's sections, in order; exams and appraisal append theirs.
SECTIONS: list[Section] = [
    Section(_("Honours"), "supervision/people/sections/honours.html", _honours),
    Section(_("This month's figures"), "supervision/people/sections/figures.html", _figures),
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
