"""Hot topics (热点, issue 21 point 3): the call reasons rising or new against a comparable
span, with example contacts."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import DomainError
from kefu.core.forms import DayField
from kefu.core.http import request_user
from kefu.insights.queries.topics import (
    COMPARE_LABELS,
    DIMENSION_LABELS,
    TopicCompare,
    TopicDimension,
    TopicReport,
    hot_topics_of,
)
from kefu.insights.topics import MIN_COUNT, MIN_SCORE


class TopicsForm(forms.Form):
    day = DayField(label=_("Day"), required=False)
    compare = forms.ChoiceField(
        label=_("Compared with"), choices=list(COMPARE_LABELS.items()), required=False
    )
    dimension = forms.ChoiceField(
        label=_("Dimension"), choices=list(DIMENSION_LABELS.items()), required=False
    )


@login_required
def topics_page(request: HttpRequest) -> HttpResponse:
    """热点话题: today's (or a chosen day's) rising and new call reasons."""
    user = request_user(request)
    form = TopicsForm(request.GET or None)
    options = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        options = {
            "day": data["day"],
            "compare": TopicCompare(data["compare"] or TopicCompare.DAY),
            "dimension": TopicDimension(data["dimension"] or TopicDimension.SERVICE_CONTENT),
        }
    report: TopicReport | None = None
    problem = ""
    if not form.errors:
        try:
            report = hot_topics_of(user, **options)
        except DomainError as error:
            if error.status == 403:
                raise
            problem = str(error.message)
    return render(
        request,
        "insights/topics/topics.html",
        {
            "form": form,
            "report": report,
            "problem": problem,
            "compare_label": COMPARE_LABELS[report.compare] if report else "",
            "dimension_label": DIMENSION_LABELS[report.dimension] if report else "",
            "min_count": MIN_COUNT,
            "min_score": MIN_SCORE,
        },
        status=400 if form.errors or problem else 200,
    )
