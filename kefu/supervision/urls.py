from django.urls import path

from kefu.supervision import views
from kefu.supervision.views import checklists, compliance, rectifications, rounds
from kefu.supervision.views import exams as exam_views
from kefu.supervision.views import training as training_views

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
    path("supervision/training/", training_views.sessions_page, name="supervision_sessions"),
    path(
        "supervision/training/<int:session_id>/",
        training_views.session_page,
        name="supervision_session",
    ),
    path("supervision/questions/", training_views.questions_page, name="supervision_questions"),
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
]
