from django.urls import path

from kefu.supervision import views
from kefu.supervision.views import assessment, checklists, compliance, rectifications, rounds

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
]
