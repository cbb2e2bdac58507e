from django.urls import path

from kefu.supervision import views
from kefu.supervision.views import (
    assessment,
    checklists,
    compliance,
    honours,
    people,
    projects,
    rectifications,
    rounds,
)
from kefu.supervision.views import certification as certification_views
from kefu.supervision.views import exams as exam_views
from kefu.supervision.views import meetings as meeting_views
from kefu.supervision.views import reminders as reminder_views
from kefu.supervision.views import reserve as reserve_views
from kefu.supervision.views import signing as signing_views
from kefu.supervision.views import training as training_views
from kefu.supervision.views import work_reports as report_views

urlpatterns = [
    path("supervision/", views.supervision_page, name="supervision"),
    path("supervision/rounds/", rounds.rounds_page, name="supervision_rounds"),
    path("supervision/rounds/new/", rounds.round_new_page, name="supervision_round_new"),
    path("supervision/rounds/<int:round_id>/", rounds.round_page, name="supervision_round"),
    path(
        "supervision/rounds/<int:round_id>/results/",
        rounds.round_results_view,
        name="supervision_round_results",
    ),
    path(
        "supervision/rounds/<int:round_id>/findings/",
        rounds.finding_add_view,
        name="supervision_finding_add",
    ),
    path(
        "supervision/rounds/<int:round_id>/records/",
        rounds.records_draw_view,
        name="supervision_records_draw",
    ),
    path(
        "supervision/records/<int:record_id>/",
        rounds.record_judge_view,
        name="supervision_record_judge",
    ),
    path(
        "supervision/rounds/<int:round_id>/questions/",
        rounds.question_add_view,
        name="supervision_question_add",
    ),
    path(
        "supervision/rounds/<int:round_id>/finish/",
        rounds.round_finish_view,
        name="supervision_round_finish",
    ),
    path(
        "supervision/findings/<int:finding_id>/photos/",
        rounds.finding_photos_view,
        name="supervision_finding_photos",
    ),
    path("supervision/photos/<int:photo_id>/", rounds.photo_view, name="supervision_photo"),
    path(
        "supervision/rectifications/",
        rectifications.rectifications_page,
        name="supervision_rectifications",
    ),
    path(
        "supervision/rectifications/<int:rectification_id>/",
        rectifications.rectification_page,
        name="supervision_rectification",
    ),
    path(
        "supervision/rectifications/<int:rectification_id>/report/",
        rectifications.rectification_report_view,
        name="supervision_rectification_report",
    ),
    path(
        "supervision/rectifications/<int:rectification_id>/recheck/",
        rectifications.rectification_recheck_view,
        name="supervision_rectification_recheck",
    ),
    path("supervision/compliance/", compliance.compliance_page, name="supervision_compliance"),
    path("supervision/checklists/", checklists.checklists_page, name="supervision_checklists"),
    path(
        "supervision/checklists/defaults/",
        checklists.checklists_defaults_view,
        name="supervision_checklists_defaults",
    ),
    path(
        "supervision/checklists/new/",
        checklists.checklist_new_page,
        name="supervision_checklist_new",
    ),
    path(
        "supervision/checklists/<int:checklist_id>/",
        checklists.checklist_page,
        name="supervision_checklist",
    ),
    path("supervision/reports/", report_views.my_reports_page, name="supervision_my_reports"),
    path(
        "supervision/reports/open/", report_views.report_open_view, name="supervision_report_open"
    ),
    path(
        "supervision/reports/team/", report_views.team_reports_page, name="supervision_team_reports"
    ),
    path(
        "supervision/reports/<int:report_id>/", report_views.report_page, name="supervision_report"
    ),
    path(
        "supervision/reports/<int:report_id>/save/",
        report_views.report_save_view,
        name="supervision_report_save",
    ),
    path(
        "supervision/reports/<int:report_id>/review/",
        report_views.report_review_view,
        name="supervision_report_review",
    ),
    path("supervision/meetings/", meeting_views.meetings_page, name="supervision_meetings"),
    path(
        "supervision/meetings/new/", meeting_views.meeting_new_view, name="supervision_meeting_new"
    ),
    path(
        "supervision/meetings/<int:meeting_id>/",
        meeting_views.meeting_page,
        name="supervision_meeting",
    ),
    path(
        "supervision/meetings/<int:meeting_id>/edit/",
        meeting_views.meeting_edit_view,
        name="supervision_meeting_edit",
    ),
    path(
        "supervision/meetings/<int:meeting_id>/actions/",
        meeting_views.action_add_view,
        name="supervision_action_add",
    ),
    path(
        "supervision/actions/<int:action_id>/done/",
        meeting_views.action_done_view,
        name="supervision_action_done",
    ),
    path("supervision/honours/", honours.honours_page, name="supervision_honours"),
    path(
        "supervision/honours/propose/",
        honours.honours_propose_view,
        name="supervision_honours_propose",
    ),
    path(
        "supervision/honours/<str:month>/confirm/",
        honours.honours_confirm_view,
        name="supervision_honours_confirm",
    ),
    path(
        "supervision/honours/rules/",
        honours.honour_rules_page,
        name="supervision_honour_rules",
    ),
    path("supervision/people/<int:person_id>/", people.person_page, name="supervision_person"),
    path(
        "supervision/assessment/departments/",
        assessment.departments_page,
        name="supervision_departments",
    ),
    path(
        "supervision/assessment/departments/<int:department_id>/",
        assessment.department_page,
        name="supervision_department",
    ),
    path(
        "supervision/assessment/judgements/",
        assessment.judgements_page,
        name="supervision_judgements",
    ),
    path(
        "supervision/assessment/complaints/<str:number>/judge/",
        assessment.complaint_judge_page,
        name="supervision_complaint_judge",
    ),
    path(
        "supervision/assessment/judgements/<int:judgement_id>/",
        assessment.judgement_page,
        name="supervision_judgement",
    ),
    path(
        "supervision/assessment/judgements/<int:judgement_id>/appeal/",
        assessment.judgement_appeal_view,
        name="supervision_judgement_appeal",
    ),
    path(
        "supervision/assessment/judgements/<int:judgement_id>/decision/",
        assessment.judgement_decide_view,
        name="supervision_judgement_decide",
    ),
    path(
        "supervision/assessment/appraisal/",
        assessment.appraisal_page,
        name="supervision_appraisal",
    ),
    path(
        "supervision/assessment/weights/",
        assessment.weights_page,
        name="supervision_weights",
    ),
    path("supervision/indicators/", projects.library_page, name="supervision_library"),
    path(
        "supervision/indicators/<slug:code>/",
        projects.indicator_page,
        name="supervision_indicator",
    ),
    path("supervision/projects/", projects.projects_page, name="supervision_projects"),
    path(
        "supervision/projects/<int:project_id>/",
        projects.project_page,
        name="supervision_project",
    ),
    path(
        "supervision/projects/<int:project_id>/start/",
        projects.project_start_view,
        name="supervision_project_start",
    ),
    path(
        "supervision/projects/<int:project_id>/baseline/",
        projects.project_baseline_view,
        name="supervision_project_baseline",
    ),
    path(
        "supervision/projects/<int:project_id>/close/",
        projects.project_close_view,
        name="supervision_project_close",
    ),
    path(
        "supervision/projects/<int:project_id>/actions/",
        projects.action_add_view,
        name="supervision_action_add",
    ),
    path(
        "supervision/project-actions/<int:action_id>/done/",
        projects.action_done_view,
        name="supervision_action_done",
    ),
    path("supervision/training/", training_views.sessions_page, name="supervision_sessions"),
    path(
        "supervision/training/<int:session_id>/",
        training_views.session_page,
        name="supervision_session",
    ),
    path(
        "supervision/training/<int:session_id>/attendees/",
        training_views.attendees_add_view,
        name="supervision_attendees_add",
    ),
    path(
        "supervision/certification/",
        certification_views.certification_page,
        name="supervision_certification",
    ),
    path(
        "supervision/certification/queues/<int:queue_id>/",
        certification_views.queue_requirement_view,
        name="supervision_queue_requirement",
    ),
    path(
        "supervision/certification/<int:certification_id>/revoke/",
        certification_views.certification_revoke_view,
        name="supervision_certification_revoke",
    ),
    path("supervision/questions/", training_views.questions_page, name="supervision_questions"),
    path(
        "supervision/questions/<int:question_id>/edit/",
        training_views.question_edit_page,
        name="supervision_question_edit",
    ),
    path(
        "supervision/questions/<int:question_id>/reviewed/",
        training_views.question_reviewed_view,
        name="supervision_question_reviewed",
    ),
    path("supervision/exams/", exam_views.exams_page, name="supervision_exams"),
    path("supervision/exams/<int:exam_id>/", exam_views.exam_page, name="supervision_exam"),
    path(
        "supervision/exams/<int:exam_id>/take/",
        exam_views.exam_take_view,
        name="supervision_exam_take",
    ),
    path("supervision/papers/<int:paper_id>/", exam_views.paper_page, name="supervision_paper"),
    path(
        "supervision/papers/<int:paper_id>/answer/",
        exam_views.paper_answer_view,
        name="supervision_paper_answer",
    ),
    path(
        "supervision/papers/<int:paper_id>/submit/",
        exam_views.paper_submit_view,
        name="supervision_paper_submit",
    ),
    path("supervision/marking/", exam_views.marking_page, name="supervision_marking"),
    path(
        "supervision/marking/<int:answer_id>/",
        exam_views.answer_mark_view,
        name="supervision_answer_mark",
    ),
    path(
        "supervision/meetings/<int:meeting_id>/sign/",
        signing_views.minutes_sign_view,
        name="supervision_minutes_sign",
    ),
    path(
        "supervision/meetings/<int:meeting_id>/correct/",
        signing_views.minutes_correct_view,
        name="supervision_minutes_correct",
    ),
    path(
        "supervision/reports/team/remind/",
        reminder_views.reports_remind_view,
        name="supervision_reports_remind",
    ),
    path("supervision/reserve/", reserve_views.reserve_page, name="supervision_reserve"),
    path(
        "supervision/reserve/open/",
        reserve_views.selection_open_view,
        name="supervision_reserve_open",
    ),
    path("supervision/reserve/pool/", reserve_views.pool_page, name="supervision_reserve_pool"),
    path(
        "supervision/reserve/<int:selection_id>/",
        reserve_views.selection_page,
        name="supervision_reserve_selection",
    ),
    path(
        "supervision/reserve/<int:selection_id>/apply/",
        reserve_views.selection_apply_view,
        name="supervision_reserve_apply",
    ),
    path(
        "supervision/reserve/<int:selection_id>/nominate/",
        reserve_views.selection_nominate_view,
        name="supervision_reserve_nominate",
    ),
    path(
        "supervision/reserve/<int:selection_id>/close/",
        reserve_views.selection_close_view,
        name="supervision_reserve_close",
    ),
    path(
        "supervision/reserve/<int:selection_id>/rate/",
        reserve_views.leader_rate_view,
        name="supervision_reserve_rate",
    ),
    path(
        "supervision/reserve/candidates/<int:candidate_id>/",
        reserve_views.candidate_page,
        name="supervision_reserve_candidate",
    ),
    path(
        "supervision/reserve/candidates/<int:candidate_id>/score/",
        reserve_views.candidate_score_view,
        name="supervision_reserve_score",
    ),
    path(
        "supervision/reserve/candidates/<int:candidate_id>/decide/",
        reserve_views.candidate_decide_view,
        name="supervision_reserve_decide",
    ),
]
