from django.urls import path

from kefu.knowledge import views

urlpatterns = [
    path("knowledge/", views.knowledge_page, name="knowledge"),
    path("knowledge/search/", views.search_panel, name="knowledge_search_panel"),
    path("knowledge/suggest/", views.suggest_options, name="knowledge_suggest"),
    path("knowledge/new/", views.article_edit_page, name="article_new"),
    path("knowledge/preview/", views.article_preview, name="article_preview"),
    path("knowledge/review/", views.review_page, name="knowledge_review"),
    path("knowledge/cases/", views.case_page, name="knowledge_case"),
    path("knowledge/synonyms/", views.synonyms_page, name="knowledge_synonyms"),
    path("knowledge/import/", views.import_page, name="knowledge_import"),
    path("knowledge/export/", views.export_download, name="knowledge_export"),
    path(
        "knowledge/feedback/<int:feedback_id>/resolve/",
        views.feedback_resolve_page,
        name="feedback_resolve",
    ),
    path("knowledge/<int:article_id>/", views.article_page, name="article_page"),
    path("knowledge/<int:article_id>/edit/", views.article_edit_page, name="article_edit"),
    path("knowledge/<int:article_id>/diff/", views.article_diff_page, name="article_diff"),
    path("knowledge/<int:article_id>/feedback/", views.feedback_page, name="article_feedback"),
    path("knowledge/<int:article_id>/use/", views.use_page, name="article_use"),
    path("knowledge/<int:article_id>/attachments/", views.attachment_page, name="article_attach"),
    path(
        "knowledge/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("knowledge/<int:article_id>/<str:action>/", views.article_act_page, name="article_act"),
]
