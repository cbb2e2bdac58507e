from django.urls import path

from kefu.supervision import views
from kefu.supervision.views import checklists, compliance, projects, rectifications, rounds

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
]
