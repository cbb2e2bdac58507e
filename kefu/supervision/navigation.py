"""The supervision pages' tabs and who sees each."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kefu.core import navigation
from kefu.core.navigation import Tab
from kefu.core.roles import (
    JOIN_RESERVE,
    MANAGE_CHECKLISTS,
    MANAGE_TRAINING,
    MARK_EXAMS,
    RECTIFY,
    REVIEW_REPORTS,
    SCORE_RESERVE,
    TAKE_EXAMS,
    VIEW_ASSESSMENT,
    VIEW_HONOUR_PROPOSALS,
    VIEW_JUDGEMENTS,
    VIEW_SUPERVISION,
    WRITE_QUESTIONS,
    WRITE_REPORTS,
)

# The honours' rules and the appraisal's weights are reached from their own pages.
TABS: list[Tab] = [
    Tab(_("Rounds"), "supervision_rounds", VIEW_SUPERVISION),
    Tab(_("Round compliance"), "supervision_compliance", VIEW_SUPERVISION),
    Tab(_("Rectifications"), "supervision_rectifications", RECTIFY),
    Tab(_("Checklists"), "supervision_checklists", MANAGE_CHECKLISTS),
    Tab(_("My reports"), "supervision_my_reports", WRITE_REPORTS),
    Tab(_("Team reports"), "supervision_team_reports", REVIEW_REPORTS),
    Tab(_("Review meetings"), "supervision_meetings", WRITE_REPORTS),
    Tab(_("Honours"), "supervision_honours", VIEW_HONOUR_PROPOSALS),
    Tab(_("Departments"), "supervision_departments", VIEW_ASSESSMENT),
    Tab(_("Complaint judging"), "supervision_judgements", VIEW_JUDGEMENTS),
    Tab(_("Appraisal"), "supervision_appraisal", VIEW_ASSESSMENT),
    Tab(_("Indicator library"), "supervision_library", VIEW_SUPERVISION),
    Tab(_("Improvement projects"), "supervision_projects", VIEW_SUPERVISION),
    Tab(_("Training"), "supervision_sessions", MANAGE_TRAINING),
    Tab(_("Question bank"), "supervision_questions", WRITE_QUESTIONS),
    Tab(_("Exams"), "supervision_exams", TAKE_EXAMS),
    # Those who keep the exams take none (no role holds both permissions): their tab.
    Tab(_("Exams"), "supervision_exams", MANAGE_TRAINING),
    Tab(_("Marking"), "supervision_marking", MARK_EXAMS),
    Tab(_("Leader reserve"), "supervision_reserve", JOIN_RESERVE),
    # The panel (leaders, managers) does not stand for the reserve: their tab.
    Tab(_("Leader reserve"), "supervision_reserve", SCORE_RESERVE),
]


def tabs_for(role: str | None) -> list[Tab]:
    return navigation.tabs_for(TABS, role)
