from django.urls import path

from kefu.quality import views
from kefu.quality.views import calibration, phrases, results, rules, scorecards, scoring

urlpatterns = [
    path("quality/", views.quality_page, name="quality"),
    path("quality/queue/", scoring.queue_page, name="quality_queue"),
    path("quality/queue/<int:item_id>/", scoring.score_new_page, name="quality_score_new"),
    path("quality/queue/<int:item_id>/skip/", scoring.skip_view, name="quality_skip"),
    path("quality/scores/<int:evaluation_id>/", scoring.score_page, name="quality_score"),
    path(
        "quality/scores/<int:evaluation_id>/acknowledge/",
        scoring.acknowledge_view,
        name="quality_acknowledge",
    ),
    path("quality/scores/<int:evaluation_id>/appeal/", scoring.appeal_view, name="quality_appeal"),
    path("quality/scores/<int:evaluation_id>/decide/", scoring.decide_page, name="quality_decide"),
    path("quality/scores/<int:evaluation_id>/review/", scoring.review_page, name="quality_review"),
    path(
        "quality/scores/<int:evaluation_id>/coaching/",
        scoring.coaching_view,
        name="quality_coaching",
    ),
    path(
        "quality/coaching/<int:task_id>/acknowledge/",
        scoring.coaching_acknowledge_view,
        name="quality_coaching_acknowledge",
    ),
    path("quality/mine/", scoring.mine_page, name="quality_mine"),
    path("quality/appeals/", scoring.appeals_page, name="quality_appeals"),
    path("quality/results/", results.results_page, name="quality_results"),
    path("quality/scorecards/", scorecards.scorecards_page, name="quality_scorecards"),
    path(
        "quality/scorecards/<int:scorecard_id>/",
        scorecards.scorecard_page,
        name="quality_scorecard",
    ),
    path(
        "quality/scorecards/<int:scorecard_id>/publish/",
        scorecards.scorecard_publish_view,
        name="quality_scorecard_publish",
    ),
    path(
        "quality/scorecards/<int:scorecard_id>/plan/",
        scorecards.plan_view,
        name="quality_plan",
    ),
    path("quality/phrases/", phrases.phrases_page, name="quality_phrases"),
    path("quality/phrases/publish/", phrases.phrase_publish_view, name="quality_phrases_publish"),
    path("quality/phrases/discard/", phrases.phrase_discard_view, name="quality_phrases_discard"),
    path(
        "quality/phrases/defaults/", phrases.phrase_defaults_view, name="quality_phrases_defaults"
    ),
    path(
        "quality/phrases/<slug:situation>/",
        phrases.phrase_situation_page,
        name="quality_phrase_situation",
    ),
    path("quality/rules/", rules.rules_page, name="quality_rules"),
    path("quality/rules/<str:family>/", rules.rule_switch_view, name="quality_rule_switch"),
    path("quality/calibration/", calibration.calibrations_page, name="quality_calibrations"),
    path(
        "quality/calibration/<int:session_id>/",
        calibration.calibration_page,
        name="quality_calibration",
    ),
    path(
        "quality/calibration/<int:session_id>/contacts/<int:contact_id>/",
        calibration.calibration_score_page,
        name="quality_calibration_score",
    ),
    path(
        "quality/calibration/<int:session_id>/reveal/",
        calibration.calibration_reveal_view,
        name="quality_calibration_reveal",
    ),
]
